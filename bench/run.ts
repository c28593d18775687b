/**
 * Runs the benchmarks and writes one JSON file to bench/results/. Usage:
 * `npm run bench -- [--rows N] [--runs N] [--no-compiled-worker]` (defaults: 1,000,000 rows,
 * 3 runs, and one more import with the worker compiled by tsc).
 */
import { parseArgs } from 'node:util';
import { benchDatabaseUrl } from './harness/database.js';
import { machineFacts } from './harness/machine.js';
import { writeRun, type BenchmarkResult } from './harness/results.js';
import { runIngestBenchmark } from './ingest.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    'no-compiled-worker': { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(runs) || runs < 1) {
  throw new Error(`--rows and --runs must be positive whole numbers (got ${values.rows} and ${values.runs})`);
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const settings = { rows, runs, database: 'fairport_bench', redisPrefix: 'fairport-bench', compiledWorker: !values['no-compiled-worker'] };
const machine = await machineFacts(benchDatabaseUrl('postgres'));
const benchmarks: BenchmarkResult[] = await runIngestBenchmark({ ...settings, log });
const file = await writeRun('ingest', { machine, settings, benchmarks });

for (const result of benchmarks) {
  const ratio = result.ratio === undefined ? '' : `  ratio ${result.ratio} to ${result.baseline}`;
  log(`${result.name.padEnd(24)} ${String(result.seconds).padStart(8)} s  ${String(result.rowsPerSecond).padStart(8)} rows/s${ratio}`);
}
log(`wrote ${file}`);
