/**
 * Runs the benchmarks and writes one JSON file to bench/results/. Usage:
 * `npm run bench -- [--rows N] [--runs N] [--xlsx-rows N] [--database NAME] [--redis-prefix P]
 * [--no-compiled-worker]` (defaults: 1,000,000 rows, 3 runs, a 50,000-row XLSX, the database
 * fairport_bench, the Redis prefix fairport-bench, and one more import with the worker compiled by tsc).
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
    'xlsx-rows': { type: 'string', default: '50000' },
    database: { type: 'string', default: 'fairport_bench' },
    'redis-prefix': { type: 'string', default: 'fairport-bench' },
    'no-compiled-worker': { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const xlsxRows = Number(values['xlsx-rows']);
if (!Number.isInteger(xlsxRows) || xlsxRows < 0) throw new Error(`--xlsx-rows must be a whole number, 0 or more (got ${values['xlsx-rows']})`);
if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(runs) || runs < 1) {
  throw new Error(`--rows and --runs must be positive whole numbers (got ${values.rows} and ${values.runs})`);
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const settings = { rows, runs, xlsxRows, database: values.database, redisPrefix: values['redis-prefix'], compiledWorker: !values['no-compiled-worker'] };
const machine = await machineFacts(benchDatabaseUrl('postgres'));
const benchmarks: BenchmarkResult[] = await runIngestBenchmark({ ...settings, log });
const file = await writeRun('ingest', { machine, settings, benchmarks });

for (const result of benchmarks) {
  const rate = result.cellsPerSecond !== undefined ? `${String(result.cellsPerSecond).padStart(8)} cells/s` : `${String(result.rowsPerSecond ?? '').padStart(8)} rows/s`;
  const ratios = ['ratioToPlainCopy', 'ratioToSpatialCopy', 'ratioToCopyIntoGist', 'ratioToCopyIntoGistWithRows']
    .filter((key) => result[key] !== undefined)
    .map((key) => `${key.replace('ratioTo', '')} ${String(result[key])}`)
    .join(', ');
  log(`${result.name.padEnd(42)} ${String(result.seconds ?? '').padStart(8)} s  ${rate}  ${ratios}`);
}
log(`wrote ${file}`);
