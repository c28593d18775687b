/**
 * Runs the benchmarks and writes one JSON file per suite to bench/results/. Usage:
 * `npm run bench -- [--only ingest|edit-latency] [--rows N] [--runs N] [--no-compiled-worker]
 * [--edits N] [--viewers 10,1000] [--database NAME] [--redis-prefix PREFIX]`.
 * Defaults: both suites; ingest with 1,000,000 rows, 3 runs and one more import with the worker
 * compiled by tsc; edit latency with 300 edits at 10 and 1,000 viewers.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runEditLatencyBenchmark } from './edit-latency.js';
import { benchDatabaseUrl } from './harness/database.js';
import { machineFacts } from './harness/machine.js';
import { writeRun, type BenchmarkResult } from './harness/results.js';
import { runIngestBenchmark } from './ingest.js';

const SUITES = ['ingest', 'edit-latency'] as const;

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    'no-compiled-worker': { type: 'boolean', default: false },
    edits: { type: 'string', default: '300' },
    viewers: { type: 'string', default: '10,1000' },
    database: { type: 'string', default: 'fairport_bench' },
    'redis-prefix': { type: 'string', default: 'fairport-bench' },
  },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const edits = Number(values.edits);
const viewerCounts = values.viewers.split(',').map(Number);
if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(runs) || runs < 1) {
  throw new Error(`--rows and --runs must be positive whole numbers (got ${values.rows} and ${values.runs})`);
}
if (!Number.isInteger(edits) || edits < 1 || viewerCounts.some((count) => !Number.isInteger(count) || count < 1)) {
  throw new Error(`--edits must be a positive whole number and --viewers a list of them (got ${values.edits} and ${values.viewers})`);
}
if (values.only !== undefined && !SUITES.includes(values.only as (typeof SUITES)[number])) {
  throw new Error(`--only must be one of ${SUITES.join(', ')} (got ${values.only})`);
}
const suites = values.only ? [values.only] : SUITES;

const log = (line: string) => process.stdout.write(`${line}\n`);
const database = values.database;
const redisPrefix = values['redis-prefix'];

if (suites.includes('ingest')) {
  const settings = { rows, runs, database, redisPrefix, compiledWorker: !values['no-compiled-worker'] };
  const machine = await machineFacts(benchDatabaseUrl('postgres'));
  const benchmarks: BenchmarkResult[] = await runIngestBenchmark({ ...settings, log });
  const file = await writeRun('ingest', { machine, settings, benchmarks });
  for (const result of benchmarks) {
    const ratio = result.ratio === undefined ? '' : `  ratio ${result.ratio} to ${result.baseline}`;
    log(`${result.name.padEnd(24)} ${String(result.seconds).padStart(8)} s  ${String(result.rowsPerSecond).padStart(8)} rows/s${ratio}`);
  }
  log(`wrote ${file}`);
}

if (suites.includes('edit-latency')) {
  const machine = await machineFacts(benchDatabaseUrl('postgres'));
  // Latencies of a few milliseconds depend on what else the machine runs, so the load is kept with them.
  const settings = { edits, viewerCounts, database, redisPrefix, loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100) };
  const benchmarks = await runEditLatencyBenchmark({ ...settings, log });
  const file = await writeRun('edit-latency', { machine, settings, benchmarks });
  for (const result of benchmarks) {
    const ratio = result.ratio === undefined ? '' : `  p50 ratio ${result.ratio} to ${result.baseline}`;
    log(`${result.name.padEnd(30)} p50 ${String(result.p50Ms).padStart(7)} ms  p99 ${String(result.p99Ms).padStart(7)} ms${ratio}`);
  }
  log(`wrote ${file}`);
}
