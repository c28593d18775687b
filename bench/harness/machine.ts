import os from 'node:os';
import pg from 'pg';

/** The machine a benchmark ran on, stored with every result so figures from different machines are not compared blindly. */
export interface MachineFacts {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGigabytes: number;
  os: string;
  node: string;
  postgres: string;
  postgis: string | null;
}

/** Collects the machine's facts; the database URL names any database on the server measured. */
export async function machineFacts(databaseUrl: string): Promise<MachineFacts> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    // The version the server installs with CREATE EXTENSION, whichever database is connected.
    const postgis = await client.query<{ version: string }>(
      "SELECT default_version AS version FROM pg_available_extensions WHERE name = 'postgis'",
    );
    return {
      date: new Date().toISOString(),
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      cores: os.cpus().length,
      memoryGigabytes: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      postgres: version.rows[0]!.server_version,
      postgis: postgis.rows[0]?.version ?? null,
    };
  } finally {
    await client.end();
  }
}
