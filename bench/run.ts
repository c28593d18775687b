/**
 * Runs the benchmarks and writes one JSON file per suite to bench/results/. Usage:
 * `npm run bench -- [--only ingest|notices|edit-latency] [--rows N] [--runs N] [--xlsx-rows N]
 * [--no-compiled-worker] [--clients N] [--notices N] [--edits N] [--viewers 10,1000]
 * [--layouts receiving,spread]
 * [--database NAME] [--redis-prefix PREFIX]`. By default every suite runs. Ingest loads 1,000,000
 * rows 3 times into an empty dataset and into one holding rows and a 50,000-row XLSX, with the
 * worker compiled by tsc as in production, and once more with the worker under tsx. Notices go to 5,000 clients, 100 times. Edit latency sends 300
 * edits at 10 and at 1,000 viewers, with every viewer on the receiving node and with the viewers
 * spread over both nodes.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runEditLatencyBenchmark, VIEWER_LAYOUTS, type ViewerLayout } from './edit-latency.js';
import { benchDatabaseUrl } from './harness/database.js';
import { machineFacts } from './harness/machine.js';
import { writeRun, type BenchmarkResult } from './harness/results.js';
import { runIngestBenchmark } from './ingest.js';
import { runNoticeBenchmark } from './notice-fanout.js';

const SUITES = ['ingest', 'notices', 'edit-latency'] as const;

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    'xlsx-rows': { type: 'string', default: '50000' },
    'no-compiled-worker': { type: 'boolean', default: false },
    clients: { type: 'string', default: '5000' },
    notices: { type: 'string', default: '100' },
    edits: { type: 'string', default: '300' },
    viewers: { type: 'string', default: '10,1000' },
    layouts: { type: 'string', default: VIEWER_LAYOUTS.join(',') },
    database: { type: 'string', default: 'fairport_bench' },
    'redis-prefix': { type: 'string', default: 'fairport-bench' },
  },
});

function positiveInteger(name: string, value: string | undefined): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive whole number (got ${value})`);
  return parsed;
}

const rows = positiveInteger('rows', values.rows);
const runs = positiveInteger('runs', values.runs);
const xlsxRows = Number(values['xlsx-rows']);
if (!Number.isInteger(xlsxRows) || xlsxRows < 0) throw new Error(`--xlsx-rows must be a whole number, 0 or more (got ${values['xlsx-rows']})`);
const clients = positiveInteger('clients', values.clients);
const notices = positiveInteger('notices', values.notices);
const edits = positiveInteger('edits', values.edits);
const viewerCounts = (values.viewers ?? '').split(',').map((count) => positiveInteger('viewers', count));
const layouts = (values.layouts ?? '').split(',').map((layout) => {
  if (!(VIEWER_LAYOUTS as readonly string[]).includes(layout)) throw new Error(`invalid --layouts value ${layout}: use ${VIEWER_LAYOUTS.join(', ')}, separated by commas`);
  return layout as ViewerLayout;
});
if (values.only !== undefined && !(SUITES as readonly string[]).includes(values.only)) {
  throw new Error(`--only must be one of ${SUITES.join(', ')} (got ${values.only})`);
}
const suites = values.only ? [values.only] : SUITES;

const log = (line: string) => process.stdout.write(`${line}\n`);
const database = values.database!;
const redisPrefix = values['redis-prefix']!;

if (suites.includes('ingest')) {
  const settings = { rows, runs, xlsxRows, database, redisPrefix, compiledWorker: !values['no-compiled-worker'] };
  const machine = await machineFacts(benchDatabaseUrl('postgres'));
  log(`CPU probe: ${machine.cpuProbeMs} ms for a fixed integer loop (lower is faster)`);
  const benchmarks: BenchmarkResult[] = await runIngestBenchmark({ ...settings, log });
  const file = await writeRun('ingest', { machine, settings, benchmarks });
  for (const result of benchmarks) {
    const rate = result.cellsPerSecond !== undefined ? `${String(result.cellsPerSecond).padStart(8)} cells/s` : `${String(result.rowsPerSecond ?? '').padStart(8)} rows/s`;
    const ratios = ['ratioToPlainCopy', 'ratioToSpatialCopy', 'ratioToCopyIntoGist', 'ratioToCopyIntoGistWithRows', 'ratioToSamplesCopy']
      .filter((key) => result[key] !== undefined)
      .map((key) => `${key.replace('ratioTo', '')} ${String(result[key])}`)
      .join(', ');
    log(`${result.name.padEnd(42)} ${String(result.seconds ?? '').padStart(8)} s  ${rate}  ${ratios}`);
  }
  log(`wrote ${file}`);
}

if (suites.includes('notices')) {
  const settings = { clients, notices, serverNodes: 2, database, redisPrefix };
  const machine = await machineFacts(benchDatabaseUrl('postgres'));
  log(`CPU probe: ${machine.cpuProbeMs} ms for a fixed integer loop (lower is faster)`);
  const benchmarks = await runNoticeBenchmark({ clients, notices, database, redisPrefix, log });
  const file = await writeRun('notices', { machine, settings, benchmarks });
  for (const result of benchmarks) {
    const ratio = result.ratio === undefined ? '' : `  ratio ${result.ratio} (p99 ${String(result.ratioP99)}) to ${result.baseline}`;
    log(`${result.name.padEnd(24)} last client p50 ${String(result.lastClientP50Ms).padStart(7)} ms  p99 ${String(result.lastClientP99Ms).padStart(7)} ms${ratio}`);
  }
  log(`wrote ${file}`);
}

if (suites.includes('edit-latency')) {
  const machine = await machineFacts(benchDatabaseUrl('postgres'));
  log(`CPU probe: ${machine.cpuProbeMs} ms for a fixed integer loop (lower is faster)`);
  // Latencies of a few milliseconds depend on what else the machine runs, so the load is kept with them.
  const settings = { edits, viewerCounts, layouts, database, redisPrefix, loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100) };
  const benchmarks = await runEditLatencyBenchmark({ ...settings, log });
  const file = await writeRun('edit-latency', { machine, settings, benchmarks });
  for (const result of benchmarks) {
    const ratio = result.ratio === undefined ? '' : `  p50 ratio ${result.ratio} to ${result.baseline}`;
    log(`${result.name.padEnd(37)} p50 ${String(result.p50Ms).padStart(7)} ms  p99 ${String(result.p99Ms).padStart(7)} ms${ratio}`);
  }
  log(`wrote ${file}`);
}
