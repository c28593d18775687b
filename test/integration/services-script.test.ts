import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseUrl } from '../helpers/database.js';
import { freePort, REPO_ROOT } from '../helpers/processes.js';

/*
 * scripts/services.sh --check against the PostgreSQL and Redis the tests use. With --check it
 * only probes, so it starts and installs nothing, also when a service does not respond.
 */

const SCRIPT = path.join(REPO_ROOT, 'scripts', 'services.sh');
const DATABASE_URL = databaseUrl('postgres');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function runCheck(env: { DATABASE_URL: string; REDIS_URL: string }) {
  const result = spawnSync('bash', [SCRIPT, '--check'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout.trim().split('\n').filter(Boolean), stderr: result.stderr };
}

/** Returns "host:port" of a URL as the script prints it, with the default port filled in. */
function address(url: string, defaultPort: number): string {
  const parsed = new URL(url);
  return `${parsed.hostname || '127.0.0.1'}:${parsed.port || defaultPort}`;
}

describe('services.sh --check', () => {
  it('reports each ready service', () => {
    const result = runCheck({ DATABASE_URL, REDIS_URL });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toHaveLength(2);
    expect(result.stdout[0]).toMatch(new RegExp(`^services\\.sh: PostgreSQL with PostGIS \\S+ on ${address(DATABASE_URL, 5432)}: ready$`));
    expect(result.stdout[1]).toBe(`services.sh: Redis on ${address(REDIS_URL, 6379)}: ready`);
  });

  it('reports a missing Redis', async () => {
    const closedPort = await freePort();
    const result = runCheck({ DATABASE_URL, REDIS_URL: `redis://127.0.0.1:${closedPort}` });
    expect(result.status).toBe(1);
    expect(result.stdout).toHaveLength(1);
    expect(result.stdout[0]).toMatch(/^services\.sh: PostgreSQL with PostGIS \S+ on .*: ready$/);
    expect(result.stderr).toContain(`Redis does not respond on 127.0.0.1:${closedPort}.`);
  });
});
