import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from './harness/api-client.js';
import { recreateDatabase, runSql } from './harness/database.js';
import { timeCommand } from './harness/processes.js';
import { median, round, type BenchmarkResult } from './harness/results.js';
import { SAMPLE_CSV_SQL_COLUMNS, writeSampleCsv } from './harness/sample-csv.js';
import { BENCH_ADMIN, buildServerCode, logEntries, startBenchStack, type BenchStack } from './harness/stack.js';

/** Settings of the ingest benchmark. */
export interface IngestBenchOptions {
  rows: number;
  runs: number;
  database: string;
  redisPrefix: string;
  /** Also run one import with the worker compiled by tsc, as production runs it. */
  compiledWorker: boolean;
  log: (line: string) => void;
}

interface ImportJson {
  id: string;
  state: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  counts: Record<string, number>;
}

interface ImportRun {
  wholePathSeconds: number;
  uploadSeconds: number;
  queueSeconds: number;
  jobSeconds: number;
  phaseSeconds: Record<string, number>;
  mergeSeconds: Record<string, number>;
}

/**
 * Loads a generated CSV of `rows` samples through the whole portal (upload over HTTP, ingest
 * job, merge) and compares it with `psql \copy` of the same file into plain and spatial tables
 * of the same database. Runs each measurement `runs` times and reports medians.
 */
export async function runIngestBenchmark(options: IngestBenchOptions): Promise<BenchmarkResult[]> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'fairport-bench-ingest-'));
  const csv = path.join(workDir, `samples-${options.rows}.csv`);
  try {
    options.log(`generating ${options.rows} rows`);
    const bytes = await writeSampleCsv(csv, options.rows);
    const databaseUrl = await recreateDatabase(options.database);

    options.log('psql \\copy baselines');
    const baselines = await runCopyBaselines(databaseUrl, csv, options);

    options.log('starting server and worker (tsx)');
    const results: BenchmarkResult[] = [];
    const stack = await startBenchStack({ databaseUrl, redisPrefix: options.redisPrefix });
    try {
      const imports = await runImports(stack, databaseUrl, csv, options, options.runs);
      const worker = await stack.worker.peakRssMegabytes();
      const server = await stack.server.peakRssMegabytes();
      results.push(...summariseImports(imports, options.rows, bytes, baselines, worker, server));
    } finally {
      await stack.stop();
    }

    if (options.compiledWorker) {
      options.log('starting server and compiled worker');
      const compiledDir = path.join(workDir, 'build');
      await buildServerCode(compiledDir);
      const compiled = await startBenchStack({ databaseUrl, redisPrefix: options.redisPrefix, compiledDir });
      try {
        const [run] = await runImports(compiled, databaseUrl, csv, options, 1);
        results.push(summariseCompiledRun(run!, options.rows, baselines, await compiled.worker.peakRssMegabytes()));
      } finally {
        await compiled.stop();
      }
    }
    return [...results, ...baselines.results];
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

interface Baselines {
  results: BenchmarkResult[];
  plainRowsPerSecond: number;
  spatialRowsPerSecond: number;
  intoGistRowsPerSecond: number;
}

async function runCopyBaselines(databaseUrl: string, csv: string, options: IngestBenchOptions): Promise<Baselines> {
  const psql = (...commands: string[]) => timeCommand('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, ...commands.flatMap((c) => ['-c', c])]);
  const copy = (table: string) => `\\copy ${table} (id, name, lat, lon, "timestamp", temperature, salinity, ph, oxygen, nitrate, depth, chlorophyll) FROM '${csv}' WITH (FORMAT csv, HEADER true)`;
  const geometry = `geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED`;

  const plain: number[] = [];
  const spatialCopy: number[] = [];
  const spatialIndex: number[] = [];
  const intoIndex: number[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    await prepare(databaseUrl, [`DROP TABLE IF EXISTS bench_copy`, `CREATE TABLE bench_copy (${SAMPLE_CSV_SQL_COLUMNS})`]);
    plain.push(await psql(copy('bench_copy')));

    await prepare(databaseUrl, [`DROP TABLE IF EXISTS bench_copy_spatial`, `CREATE TABLE bench_copy_spatial (${SAMPLE_CSV_SQL_COLUMNS}, ${geometry})`]);
    spatialCopy.push(await psql(copy('bench_copy_spatial')));
    spatialIndex.push(await psql('CREATE INDEX ON bench_copy_spatial USING gist (geom)'));

    await prepare(databaseUrl, [
      `DROP TABLE IF EXISTS bench_copy_indexed`,
      `CREATE TABLE bench_copy_indexed (${SAMPLE_CSV_SQL_COLUMNS}, ${geometry})`,
      'CREATE INDEX ON bench_copy_indexed USING gist (geom)',
    ]);
    intoIndex.push(await psql(copy('bench_copy_indexed')));
    options.log(`  run ${run + 1}: plain ${plain.at(-1)!.toFixed(2)} s, spatial ${(spatialCopy.at(-1)! + spatialIndex.at(-1)!).toFixed(2)} s, into GiST ${intoIndex.at(-1)!.toFixed(2)} s`);
  }
  await runSql(databaseUrl, ['DROP TABLE IF EXISTS bench_copy', 'DROP TABLE IF EXISTS bench_copy_spatial', 'DROP TABLE IF EXISTS bench_copy_indexed']);

  const rows = options.rows;
  const spatialSeconds = plain.map((_, run) => spatialCopy[run]! + spatialIndex[run]!);
  const results: BenchmarkResult[] = [
    {
      name: 'psql-copy-plain',
      description: 'psql \\copy of the CSV into a new 12-column typed table without indexes',
      rows,
      seconds: round(median(plain)),
      rowsPerSecond: Math.round(rows / median(plain)),
      secondsPerRun: plain.map((value) => round(value)),
    },
    {
      name: 'psql-copy-spatial',
      description: 'psql \\copy into the same table plus a stored geometry column computed from lat/lon, then a GiST index built on it',
      rows,
      seconds: round(median(spatialSeconds)),
      copySeconds: round(median(spatialCopy)),
      indexSeconds: round(median(spatialIndex)),
      rowsPerSecond: Math.round(rows / median(spatialSeconds)),
      secondsPerRun: spatialSeconds.map((value) => round(value)),
    },
    {
      name: 'psql-copy-into-gist',
      description: 'psql \\copy into the spatial table whose GiST index exists before the copy, as in a table that already has data',
      rows,
      seconds: round(median(intoIndex)),
      rowsPerSecond: Math.round(rows / median(intoIndex)),
      secondsPerRun: intoIndex.map((value) => round(value)),
    },
  ];
  return {
    results,
    plainRowsPerSecond: rows / median(plain),
    spatialRowsPerSecond: rows / median(spatialSeconds),
    intoGistRowsPerSecond: rows / median(intoIndex),
  };
}

async function runImports(stack: BenchStack, databaseUrl: string, csv: string, options: IngestBenchOptions, count: number): Promise<ImportRun[]> {
  const api = new ApiClient(stack.url);
  await api.signIn(BENCH_ADMIN.email, BENCH_ADMIN.password);
  const project = await api.request<{ id: string }>('POST', '/projects', { title: 'Ingest benchmark' });

  const runs: ImportRun[] = [];
  for (let run = 0; run < count; run += 1) {
    // Every run loads into an empty samples table, as the baselines load into new tables.
    await prepare(databaseUrl, ['TRUNCATE samples, measurements']);
    const dataset = await api.request<{ id: string }>('POST', `/projects/${project.id}/datasets`, { title: `Benchmark run ${run + 1}` });

    const started = performance.now();
    const queued = await api.upload<ImportJson>(`/datasets/${dataset.id}/imports`, csv);
    const uploaded = performance.now();
    const finished = await pollImport(api, queued.id);
    const ended = performance.now();
    if (finished.state !== 'completed') throw new Error(`Import ${finished.id} ended ${finished.state}: ${finished.error}\n${stack.worker.output()}`);
    if (finished.counts.samples !== options.rows) throw new Error(`Import loaded ${finished.counts.samples} of ${options.rows} rows`);

    const jobSeconds = (Date.parse(finished.finishedAt!) - Date.parse(finished.startedAt!)) / 1000;
    const logLine = logEntries(stack.worker, 'import completed').find((entry) => entry.importId === queued.id) ?? {};
    runs.push({
      wholePathSeconds: (ended - started) / 1000,
      uploadSeconds: (uploaded - started) / 1000,
      queueSeconds: Math.max(0, (ended - uploaded) / 1000 - jobSeconds),
      jobSeconds,
      phaseSeconds: (logLine.phaseSeconds ?? {}) as Record<string, number>,
      mergeSeconds: (logLine.mergeSeconds ?? {}) as Record<string, number>,
    });
    options.log(`  run ${run + 1}: whole path ${runs.at(-1)!.wholePathSeconds.toFixed(2)} s, job ${jobSeconds.toFixed(2)} s`);
  }
  return runs;
}

async function pollImport(api: ApiClient, importId: string): Promise<ImportJson> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    const record = await api.request<ImportJson>('GET', `/imports/${importId}`);
    if (record.state === 'completed' || record.state === 'failed' || record.state === 'cancelled') return record;
    if (Date.now() > deadline) throw new Error(`Import ${importId} did not finish within 30 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function summariseImports(
  runs: ImportRun[],
  rows: number,
  bytes: number,
  baselines: Baselines,
  workerPeak: number | null,
  serverPeak: number | null,
): BenchmarkResult[] {
  const whole = median(runs.map((run) => run.wholePathSeconds));
  const job = median(runs.map((run) => run.jobSeconds));
  return [
    {
      name: 'ingest-csv-whole-path',
      description: 'Upload over HTTP to POST /datasets/{id}/imports until GET /imports/{id} reports completed',
      rows,
      fileMegabytes: round(bytes / 1024 ** 2, 1),
      seconds: round(whole),
      rowsPerSecond: Math.round(rows / whole),
      uploadSeconds: round(median(runs.map((run) => run.uploadSeconds))),
      queueAndPollSeconds: round(median(runs.map((run) => run.queueSeconds))),
      secondsPerRun: runs.map((run) => round(run.wholePathSeconds)),
      baseline: 'psql-copy-plain',
      ratio: round(rows / whole / baselines.plainRowsPerSecond),
      ratioToSpatialCopy: round(rows / whole / baselines.spatialRowsPerSecond),
      ratioToCopyIntoGist: round(rows / whole / baselines.intoGistRowsPerSecond),
      serverPeakRssMegabytes: serverPeak,
    },
    {
      name: 'ingest-csv-job',
      description: 'The ingest job alone, from the import row\'s startedAt to finishedAt (analyse, load into staging, merge)',
      rows,
      seconds: round(job),
      rowsPerSecond: Math.round(rows / job),
      phaseSeconds: medianOfKeys(runs.map((run) => run.phaseSeconds)),
      mergeStepSeconds: medianOfKeys(runs.map((run) => run.mergeSeconds)),
      secondsPerRun: runs.map((run) => round(run.jobSeconds)),
      baseline: 'psql-copy-plain',
      ratio: round(rows / job / baselines.plainRowsPerSecond),
      ratioToSpatialCopy: round(rows / job / baselines.spatialRowsPerSecond),
      ratioToCopyIntoGist: round(rows / job / baselines.intoGistRowsPerSecond),
      workerPeakRssMegabytes: workerPeak,
    },
  ];
}

function summariseCompiledRun(run: ImportRun, rows: number, baselines: Baselines, workerPeak: number | null): BenchmarkResult {
  return {
    name: 'ingest-csv-job-compiled-worker',
    description: 'The ingest job alone, once, with the worker compiled by tsc and run by node as in production, for its memory',
    rows,
    seconds: round(run.jobSeconds),
    rowsPerSecond: Math.round(rows / run.jobSeconds),
    phaseSeconds: run.phaseSeconds,
    mergeStepSeconds: run.mergeSeconds,
    baseline: 'psql-copy-plain',
    ratio: round(rows / run.jobSeconds / baselines.plainRowsPerSecond),
    ratioToSpatialCopy: round(rows / run.jobSeconds / baselines.spatialRowsPerSecond),
    ratioToCopyIntoGist: round(rows / run.jobSeconds / baselines.intoGistRowsPerSecond),
    workerPeakRssMegabytes: workerPeak,
  };
}

function medianOfKeys(entries: Record<string, number>[]): Record<string, number> {
  const keys = [...new Set(entries.flatMap((entry) => Object.keys(entry)))];
  return Object.fromEntries(keys.map((key) => [key, round(median(entries.flatMap((entry) => (key in entry ? [entry[key]!] : []))))]));
}

async function prepare(databaseUrl: string, statements: string[]): Promise<void> {
  await runSql(databaseUrl, statements);
  await checkpoint(databaseUrl);
}

/** Flushes dirty pages before a measurement, so one measurement does not pay for the last one's writes. */
async function checkpoint(databaseUrl: string): Promise<void> {
  try {
    await runSql(databaseUrl, ['CHECKPOINT']);
  } catch {
    // CHECKPOINT needs superuser or pg_checkpoint; without it the timings are only noisier.
  }
}
