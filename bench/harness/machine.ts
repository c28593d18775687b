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
  /**
   * Milliseconds this process took for a fixed loop of integer arithmetic (CPU_PROBE_ITERATIONS)
   * right before the suite. Virtual machines that share their host run slower at some hours than
   * at others; compare absolute figures only between runs with similar probes.
   */
  cpuProbeMs: number;
}

const CPU_PROBE_ITERATIONS = 100_000_000;

/** Times a fixed integer loop, the fastest of three, as a measure of the CPU's speed right now. */
function cpuProbeMs(): number {
  let fastest = Infinity;
  for (let round = 0; round < 3; round += 1) {
    const started = performance.now();
    let value = 0;
    for (let index = 0; index < CPU_PROBE_ITERATIONS; index += 1) value = (value * 31 + index) | 0;
    const elapsed = performance.now() - started;
    // The result is used, so the loop cannot be optimised away.
    if (value === 0.5) throw new Error('unreachable');
    fastest = Math.min(fastest, elapsed);
  }
  return Math.round(fastest);
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
      cpuProbeMs: cpuProbeMs(),
    };
  } finally {
    await client.end();
  }
}
