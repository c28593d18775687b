import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';

/** With SIGN_IN_RATE_LIMIT 2, an account gets 2 failed sign-ins per 15 minutes and an address 10. */
let api: ApiServer;

beforeAll(async () => {
  api = await startApiServer({ SIGN_IN_RATE_LIMIT: '2' });
  const admin = await new TestClient(api.url).signIn();
  for (const name of ['ana', 'ben', 'cy']) {
    expect((await admin.post('/users', { email: `${name}@example.org`, displayName: name, password: `${name}-long-password` })).status).toBe(201);
  }
});

afterAll(async () => {
  await api?.close();
});

describe('sign-in limits per address', () => {
  it('count only failed attempts', async () => {
    // A workshop of users behind one address: 15 successful sign-ins, more than the 10 allowed.
    for (let round = 0; round < 5; round += 1) {
      for (const name of ['ana', 'ben', 'cy']) {
        const response = await new TestClient(api.url).post('/auth/sign-in', { email: `${name}@example.org`, password: `${name}-long-password` });
        expect(response.status, `sign-in ${round * 3 + 1} of ${name}`).toBe(200);
      }
    }
  });

  it('stop an address after ten failed attempts', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      // A new account each time, so the per-account limit of 2 is not what stops it.
      const response = await new TestClient(api.url).post('/auth/sign-in', { email: `nobody-${attempt}@example.org`, password: 'wrong-password' });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
  });
});
