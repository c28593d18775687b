import http from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';
import { freePort } from '../helpers/processes.js';

/*
 * ORCID sign-in against a real OpenID Connect provider (oidc-provider) started in this test on
 * loopback. The provider signs in whoever the test names in `nextPerson` without a form, so the
 * portal's side of the flow (state, nonce, PKCE, code exchange, ID token checks) runs for real.
 */

const CLIENT_ID = 'fairport-test';
const CLIENT_SECRET = 'fairport-test-secret-0123456789';
const PEOPLE: Record<string, { given_name: string; family_name: string }> = {
  '0000-0002-1825-0097': { given_name: 'Josiah', family_name: 'Carberry' },
  '0000-0001-5109-3700': { given_name: 'Laure', family_name: 'Haak' },
  '0000-0003-1419-2405': { given_name: 'Martin', family_name: 'Fenner' },
  '0000-0002-9079-593X': { given_name: 'Stephen', family_name: 'Hawking' },
};

let nextPerson = '0000-0002-1825-0097';
let provider: Provider;
let providerServer: http.Server;
let api: ApiServer;
let admin: TestClient;

/** A cookie jar per origin, following redirects by hand across the portal and the provider. */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(readonly portal: TestClient) {}

  /** Follows redirects from `url` until one leads back into the portal's pages; returns that location. */
  async follow(url: string): Promise<string> {
    let current = new URL(url);
    for (let hop = 0; hop < 20; hop += 1) {
      const response = await fetch(current, { redirect: 'manual', headers: { cookie: this.cookieFor(current) } });
      this.keep(current, response);
      await response.arrayBuffer();
      const location = response.headers.get('location');
      if (!location) throw new Error(`${current.href} answered ${response.status} without a redirect`);
      const next = new URL(location, current);
      if (next.origin === new URL(api.url).origin && !next.pathname.startsWith('/api/')) return `${next.pathname}${next.search}`;
      current = next;
    }
    throw new Error('too many redirects');
  }

  /** Starts ORCID sign-in at the portal and returns where the portal finally sends the browser. */
  async signInWithOrcid(person: string, query = ''): Promise<string> {
    nextPerson = person;
    return this.follow(`${api.url}/api/v1/auth/orcid/start${query}`);
  }

  private cookieFor(url: URL): string {
    if (url.origin === new URL(api.url).origin) return this.portal.cookie;
    return [...(this.jars.get(url.origin) ?? new Map()).entries()].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keep(url: URL, response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (url.origin === new URL(api.url).origin) {
        if (name === 'fairport.sid') this.portal.cookie = `${name}=${value}`;
        continue;
      }
      const jar = this.jars.get(url.origin) ?? new Map<string, string>();
      jar.set(name, value);
      this.jars.set(url.origin, jar);
    }
  }
}

async function finishInteraction(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: nextPerson } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
  grant.addOIDCScope('openid');
  grant.addOIDCClaims(['given_name', 'family_name']);
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

beforeAll(async () => {
  const [providerPort, apiPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${providerPort}`;
  const publicUrl = `http://127.0.0.1:${apiPort}`;
  const configuration: Configuration = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${publicUrl}/api/v1/auth/orcid/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub', 'given_name', 'family_name'] },
    conformIdTokenClaims: false,
    cookies: { keys: ['orcid-test-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, ...PEOPLE[sub] }) }),
  };
  provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  providerServer = http.createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      finishInteraction(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    void callback(req, res);
  });
  await new Promise<void>((resolve) => providerServer.listen(providerPort, '127.0.0.1', resolve));

  api = await startApiServer({
    PORT: String(apiPort),
    PUBLIC_URL: publicUrl,
    ORCID_ISSUER: issuer,
    ORCID_CLIENT_ID: CLIENT_ID,
    ORCID_CLIENT_SECRET: CLIENT_SECRET,
  });
  admin = await new TestClient(api.url).signIn();
}, 60_000);

afterAll(async () => {
  await api?.close();
  await new Promise<void>((resolve) => providerServer?.close(() => resolve()));
});

describe('ORCID sign-in', () => {
  it('makes an account and claims the records that credit the iD', async () => {
    const project = await admin.post('/projects', { title: 'Carberry collection' });
    const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Mollusc shells', visibility: 'private', state: 'published' });
    const credited = await admin.post(`/datasets/${dataset.body.id}/contributors`, {
      name: 'Carberry, Josiah',
      orcid: '0000-0002-1825-0097',
      affiliation: 'Brown University',
      affiliationRorId: 'https://ror.org/05gq02987',
      roles: ['Creator', 'DataCollector'],
    });
    expect(credited.body).toMatchObject({ claimed: false, userId: null, position: 0 });

    const browser = new Browser(new TestClient(api.url));
    expect(await browser.signInWithOrcid('0000-0002-1825-0097', '?next=/projects')).toBe('/projects');
    const session = await browser.portal.get('/auth/session');
    expect(session.body.user).toMatchObject({ displayName: 'Josiah Carberry', orcid: '0000-0002-1825-0097', orcidVerified: true, email: null, role: 'member' });

    const contributors = await admin.get(`/datasets/${dataset.body.id}/contributors`);
    expect(contributors.body.items[0]).toMatchObject({ claimed: true, userId: session.body.user.id });

    // The claim reveals nothing: the private dataset stays hidden from its new claimant.
    expect((await browser.portal.get(`/datasets/${dataset.body.id}`)).status).toBe(404);

    const again = new Browser(new TestClient(api.url));
    expect(await again.signInWithOrcid('0000-0002-1825-0097')).toBe('/');
    expect((await again.portal.get('/auth/session')).body.user.id).toBe(session.body.user.id);
  });

  it('lets the person claim a record credited later', async () => {
    const project = await admin.post('/projects', { title: 'Later credit' });
    const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Open shells', visibility: 'public', state: 'published' });
    const browser = new Browser(new TestClient(api.url));
    await browser.signInWithOrcid('0000-0002-1825-0097');
    const record = await admin.post(`/datasets/${dataset.body.id}/contributors`, { name: 'Carberry, J.', orcid: '0000-0002-1825-0097', roles: ['Researcher'] });

    const claimable = await browser.portal.get('/account/contributor-claims');
    expect(claimable.body.items.map((item: { id: string }) => item.id)).toEqual([record.body.id]);

    expect((await admin.post(`/contributors/${record.body.id}/claim`, {})).status).toBe(403);
    const claimed = await browser.portal.post(`/contributors/${record.body.id}/claim`, {});
    expect(claimed.status).toBe(200);
    expect(claimed.body.claimed).toBe(true);
    expect((await browser.portal.get('/account/contributor-claims')).body.items).toEqual([]);
  });

  it('accepts an invitation addressed to the ORCID iD', async () => {
    const project = await admin.post('/projects', { title: 'Invited by iD' });
    const invited = await admin.post(`/projects/${project.body.id}/invitations`, { orcid: '0000-0001-5109-3700', role: 'editor' });
    expect(invited.status).toBe(201);

    const browser = new Browser(new TestClient(api.url));
    await browser.signInWithOrcid('0000-0001-5109-3700');
    const permissions = await browser.portal.get(`/projects/${project.body.id}/permissions`);
    expect(permissions.body.role).toBe('editor');
    expect(permissions.body.actions).toContain('project.datasets.create');
  });

  it('does not sign into an account whose iD was only typed in', async () => {
    await admin.post('/users', { email: 'typed@example.org', displayName: 'Typed', password: 'typed-password', orcid: '0000-0003-1419-2405' });
    const browser = new Browser(new TestClient(api.url));
    expect(await browser.signInWithOrcid('0000-0003-1419-2405')).toBe('/sign-in?orcid=conflict');
    expect((await browser.portal.get('/auth/session')).body.user).toBeNull();

    // Signed in with the password, the owner connects ORCID and confirms the iD.
    const owner = await new TestClient(api.url).signIn('typed@example.org', 'typed-password');
    const linking = new Browser(owner);
    expect(await linking.signInWithOrcid('0000-0003-1419-2405', '?link=true')).toBe('/account?orcid=connected');
    expect((await owner.get('/auth/session')).body.user).toMatchObject({ email: 'typed@example.org', orcidVerified: true });
    expect(await new Browser(new TestClient(api.url)).signInWithOrcid('0000-0003-1419-2405')).toBe('/');
  });

  it('rejects a callback with a forged state', async () => {
    const browser = new Browser(new TestClient(api.url));
    const start = await browser.portal.get('/auth/orcid/start');
    expect(start.status).toBe(302);
    const forged = await browser.portal.get('/auth/orcid/callback?code=forged-code&state=forged-state');
    expect(forged.status).toBe(302);
    expect(forged.headers.get('location')).toBe('/sign-in?orcid=failed');
    expect((await browser.portal.get('/auth/session')).body.user).toBeNull();
  });

  it('offers ORCID sign-in in the client settings', async () => {
    expect((await admin.get('/config')).body).toMatchObject({ orcidSignIn: true, signUpEnabled: true });
  });
});
