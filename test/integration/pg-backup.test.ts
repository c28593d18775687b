import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const run = promisify(execFile);
const script = path.resolve(import.meta.dirname, '../../deploy/pg-backup.sh');
const DAY_MS = 24 * 3600 * 1000;

describe('deploy/pg-backup.sh', () => {
  let database: TestDatabase;
  let backupDir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  beforeEach(async () => {
    if (backupDir) await rm(backupDir, { recursive: true, force: true });
    backupDir = await mkdtemp(path.join(os.tmpdir(), 'fairport-backups-'));
  });

  function backup(mode: string, extra: Record<string, string> = {}) {
    const url = new URL(database.url);
    return run('sh', [script, mode], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        PGHOST: url.hostname,
        PGPORT: url.port || '5432',
        PGUSER: decodeURIComponent(url.username),
        PGDATABASE: database.name,
        BACKUP_DIR: backupDir,
        BACKUP_KEEP_DAYS: '14',
        ...extra,
      },
    });
  }

  async function dumps(): Promise<string[]> {
    return (await readdir(backupDir)).sort();
  }

  it('writes a restorable custom-format dump', async () => {
    await backup('once');

    const files = await dumps();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^${database.name}-\\d{8}T\\d{6}Z\\.dump$`));

    const { stdout } = await run('pg_restore', ['--list', path.join(backupDir, files[0]!)]);
    expect(stdout).toMatch(/TABLE public datasets /);
    expect(stdout).toMatch(/TABLE public samples /);
    expect(stdout).toMatch(/EXTENSION - postgis/);
  });

  it('check fails without a recent dump', async () => {
    await expect(backup('check')).rejects.toMatchObject({ code: 1 });

    await backup('once');
    await expect(backup('check')).resolves.toBeDefined();
  });

  it('deletes dumps past the retention only', async () => {
    const expired = path.join(backupDir, `${database.name}-20200101T000000Z.dump`);
    const withinRetention = path.join(backupDir, `${database.name}-20200102T000000Z.dump`);
    const unrelated = path.join(backupDir, 'other-20200101T000000Z.dump');
    for (const file of [expired, withinRetention, unrelated]) await writeFile(file, 'old');
    const now = Date.now();
    await utimes(expired, new Date(now - 15 * DAY_MS), new Date(now - 15 * DAY_MS));
    await utimes(withinRetention, new Date(now - 13 * DAY_MS), new Date(now - 13 * DAY_MS));
    await utimes(unrelated, new Date(now - 30 * DAY_MS), new Date(now - 30 * DAY_MS));

    await backup('once');

    const files = await dumps();
    expect(files).not.toContain(path.basename(expired));
    expect(files).toContain(path.basename(withinRetention));
    expect(files).toContain(path.basename(unrelated));
    expect(files).toHaveLength(3);
  });

  it('keeps old dumps when pg_dump fails', async () => {
    const old = path.join(backupDir, 'missing_database-20200101T000000Z.dump');
    await writeFile(old, 'old');
    await utimes(old, new Date(Date.now() - 30 * DAY_MS), new Date(Date.now() - 30 * DAY_MS));

    await expect(backup('once', { PGDATABASE: 'missing_database' })).rejects.toMatchObject({ code: 1 });

    expect(await dumps()).toEqual([path.basename(old)]);
  });

  it('rejects invalid interval and retention', async () => {
    await expect(backup('once', { BACKUP_INTERVAL_SECONDS: '1h' })).rejects.toMatchObject({ code: 64 });
    await expect(backup('once', { BACKUP_KEEP_DAYS: '0' })).rejects.toMatchObject({ code: 64 });
    expect(await dumps()).toEqual([]);
  });
});
