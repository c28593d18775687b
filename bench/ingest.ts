import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from './harness/api-client.js';
import { recreateDatabase, runSql } from './harness/database.js';
import { timeCommand } from './harness/processes.js';
import { median, round, type BenchmarkResult } from './harness/results.js';
import { SAMPLE_CSV_SQL_COLUMNS, writeSampleCsv } from './harness/sample-csv.js';
import { writeSampleXlsx } from './harness/sample-xlsx.js';
import { BENCH_ADMIN, buildServerCode, logEntries, startBenchStack, type BenchStack } from './harness/stack.js';
import { readXlsxRows } from '../workers/ingest/xlsx-reader.js';
import { ZipArchive } from '../workers/ingest/zip-archive.js';

/** Settings of the ingest benchmark. */
export interface IngestBenchOptions {
  rows: number;
  runs: number;
  /** Data rows of the generated XLSX workbook (20 columns); 0 skips the XLSX benchmark. */
  xlsxRows: number;
  database: string;
  redisPrefix: string;
  /**
   * Whether the measured imports use the worker compiled by tsc, as production runs it, plus one
   * import under tsx for comparison. When false, everything runs under tsx and nothing is built.
   */
  compiledWorker: boolean;
  log: (line: string) => void;
}

interface ImportJson {
  id: string;
  state: string;
  error: string | null;
  counts: Record<string, number>;
}

/** The timings of one import through the whole path. */
interface ImportRun {
  wholePathSeconds: number;
  uploadSeconds: number;
  /** From the end of the upload to the poll that saw `awaiting_review`. */
  analysisWaitSeconds: number;
  /** From POST /start to the poll that saw `completed`. */
  loadWaitSeconds: number;
  /** The two jobs alone, from the worker's log lines. */
  analysisJobSeconds: number;
  loadJobSeconds: number;
  phaseSeconds: Record<string, number>;
  mergeSeconds: Record<string, number>;
}

const POLL_MS = 50;

/**
 * Loads a generated CSV of `rows` samples through the whole portal (upload over HTTP, analysis
 * job, start of the load, load job) into a dataset with no rows and into one that already contains
 * the same rows. It compares both with `psql \copy` of the same file into four tables of the same
 * database, and with `psql \copy` of the loaded rows into `samples` itself. Then it loads a
 * generated XLSX workbook. Runs each measurement `runs` times and reports medians.
 */
export async function runIngestBenchmark(options: IngestBenchOptions): Promise<BenchmarkResult[]> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'fairport-bench-ingest-'));
  const csv = path.join(workDir, `samples-${options.rows}.csv`);
  const xlsx = path.join(workDir, `samples-${options.xlsxRows}.xlsx`);
  try {
    options.log(`generating ${options.rows} rows`);
    const bytes = await writeSampleCsv(csv, options.rows);
    const databaseUrl = await recreateDatabase(options.database);

    options.log('psql \\copy baselines');
    const baselines = await runCopyBaselines(databaseUrl, csv, options);

    // The headline figures come from the worker as production runs it: compiled by tsc, run by node.
    const compiledDir = path.join(workDir, 'build');
    if (options.compiledWorker) await buildServerCode(compiledDir);
    const headlineWorker: WorkerBuild = options.compiledWorker ? 'compiled' : 'tsx';
    options.log(`starting server and worker (${headlineWorker})`);
    const results: BenchmarkResult[] = [];
    const stack = await startBenchStack({ databaseUrl, redisPrefix: options.redisPrefix, ...(options.compiledWorker ? { compiledDir } : {}) });
    try {
      const { empty, existing } = await runImports(stack, databaseUrl, csv, options, options.runs);
      options.log('psql \\copy of the loaded rows into samples');
      const floor = await runSamplesCopy(databaseUrl, workDir, options);
      baselines.results.push(...floor.results);
      results.push(
        { ...summariseImports('ingest-csv-empty-dataset', 'into a dataset with no rows (samples table empty)', empty, options.rows, bytes, baselines, floor.rowsPerSecond.empty), worker: headlineWorker },
        {
          ...summariseImports('ingest-csv-dataset-with-rows', "into the same dataset, which then holds the first import's rows with their GiST index", existing, options.rows, bytes, baselines, floor.rowsPerSecond.withRows),
          worker: headlineWorker,
        },
      );
      if (options.xlsxRows > 0) results.push(...(await runXlsx(stack, databaseUrl, xlsx, options)).map((result) => ({ ...result, worker: headlineWorker })));
      const worker = await stack.worker.peakRssMegabytes();
      const server = await stack.server.peakRssMegabytes();
      results.push({ name: 'process-memory', description: 'Peak resident set size (VmHWM) of the processes after every run above', worker: headlineWorker, workerPeakRssMegabytes: worker, serverPeakRssMegabytes: server });
    } finally {
      await stack.stop();
    }

    if (options.compiledWorker) {
      options.log('starting server and worker (tsx), for comparison');
      const development = await startBenchStack({ databaseUrl, redisPrefix: options.redisPrefix });
      try {
        const { empty } = await runImports(development, databaseUrl, csv, options, 1);
        const scenario = 'as ingest-csv-empty-dataset, once, with the worker run from TypeScript by tsx as in development';
        const samplesCopy = Number(baselines.results.find((entry) => entry.name === 'psql-copy-into-samples')?.rowsPerSecond ?? Number.NaN);
        const result = summariseImports('ingest-csv-empty-dataset-tsx-worker', scenario, empty, options.rows, bytes, baselines, samplesCopy);
        results.push({ ...result, worker: 'tsx', workerPeakRssMegabytes: await development.worker.peakRssMegabytes() });
      } finally {
        await development.stop();
      }
    }
    return [...results, ...baselines.results];
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The worker's build: compiled by tsc and run by node (production), or run from TypeScript by tsx (development). */
type WorkerBuild = 'compiled' | 'tsx';

interface Baselines {
  results: BenchmarkResult[];
  rowsPerSecond: Record<BaselineName, number>;
}

type BaselineName = 'psql-copy-plain' | 'psql-copy-spatial' | 'psql-copy-into-gist' | 'psql-copy-into-gist-with-rows';

async function runCopyBaselines(databaseUrl: string, csv: string, options: IngestBenchOptions): Promise<Baselines> {
  const psql = (...commands: string[]) => timeCommand('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, ...commands.flatMap((c) => ['-c', c])]);
  const copy = (table: string) => `\\copy ${table} (id, name, lat, lon, "timestamp", temperature, salinity, ph, oxygen, nitrate, depth, chlorophyll) FROM '${csv}' WITH (FORMAT csv, HEADER true)`;
  const geometry = `geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED`;

  const plain: number[] = [];
  const spatialCopy: number[] = [];
  const spatialIndex: number[] = [];
  const intoIndex: number[] = [];
  const intoIndexWithRows: number[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    await prepare(databaseUrl, [`DROP TABLE IF EXISTS bench_copy`, `CREATE TABLE bench_copy (${SAMPLE_CSV_SQL_COLUMNS})`]);
    plain.push(await psql(copy('bench_copy')));

    await prepare(databaseUrl, [`DROP TABLE IF EXISTS bench_copy_spatial`, `CREATE TABLE bench_copy_spatial (${SAMPLE_CSV_SQL_COLUMNS}, ${geometry})`]);
    spatialCopy.push(await psql(copy('bench_copy_spatial')));
    spatialIndex.push(await psql('CREATE INDEX ON bench_copy_spatial USING gist (geom)'));

    // The same table, now holding the file's rows and their index, takes the file once more.
    await prepare(databaseUrl, []);
    intoIndexWithRows.push(await psql(copy('bench_copy_spatial')));

    await prepare(databaseUrl, [
      `DROP TABLE IF EXISTS bench_copy_indexed`,
      `CREATE TABLE bench_copy_indexed (${SAMPLE_CSV_SQL_COLUMNS}, ${geometry})`,
      'CREATE INDEX ON bench_copy_indexed USING gist (geom)',
    ]);
    intoIndex.push(await psql(copy('bench_copy_indexed')));
    options.log(
      `  run ${run + 1}: plain ${plain.at(-1)!.toFixed(2)} s, spatial ${(spatialCopy.at(-1)! + spatialIndex.at(-1)!).toFixed(2)} s, ` +
        `into GiST ${intoIndex.at(-1)!.toFixed(2)} s, into GiST with rows ${intoIndexWithRows.at(-1)!.toFixed(2)} s`,
    );
  }
  await runSql(databaseUrl, ['DROP TABLE IF EXISTS bench_copy', 'DROP TABLE IF EXISTS bench_copy_spatial', 'DROP TABLE IF EXISTS bench_copy_indexed']);

  const rows = options.rows;
  const spatialSeconds = plain.map((_, run) => spatialCopy[run]! + spatialIndex[run]!);
  const result = (name: BaselineName, description: string, seconds: number[], extra: Record<string, unknown> = {}): BenchmarkResult => ({
    name,
    description,
    rows,
    seconds: round(median(seconds)),
    rowsPerSecond: Math.round(rows / median(seconds)),
    secondsPerRun: seconds.map((value) => round(value)),
    ...extra,
  });
  const results = [
    result('psql-copy-plain', 'psql \\copy of the CSV into a new 12-column typed table without indexes', plain),
    result('psql-copy-spatial', 'psql \\copy into the same table plus a stored geometry column computed from lat/lon, then a GiST index built on it', spatialSeconds, {
      copySeconds: round(median(spatialCopy)),
      indexSeconds: round(median(spatialIndex)),
    }),
    result('psql-copy-into-gist', 'psql \\copy into the spatial table whose GiST index exists before the copy, the table being empty', intoIndex),
    result('psql-copy-into-gist-with-rows', 'psql \\copy into the spatial table that already holds the same rows and their GiST index', intoIndexWithRows),
  ];
  return { results, rowsPerSecond: Object.fromEntries(results.map((entry) => [entry.name, entry.rowsPerSecond as number])) as Record<BaselineName, number> };
}

/**
 * Runs `count` pairs of imports: each pair empties the samples table, loads the file into a new
 * dataset (the empty case) and then once more into the same dataset (the case of a dataset that
 * already contains the rows with their GiST index).
 */
async function runImports(stack: BenchStack, databaseUrl: string, file: string, options: IngestBenchOptions, count: number): Promise<{ empty: ImportRun[]; existing: ImportRun[] }> {
  const api = new ApiClient(stack.url);
  await api.signIn(BENCH_ADMIN.email, BENCH_ADMIN.password);
  const project = await api.request<{ id: string }>('POST', '/projects', { title: 'Ingest benchmark' });

  const empty: ImportRun[] = [];
  const existing: ImportRun[] = [];
  for (let run = 0; run < count; run += 1) {
    await prepare(databaseUrl, EMPTY_SAMPLES);
    const dataset = await api.request<{ id: string }>('POST', `/projects/${project.id}/datasets`, { title: `Benchmark run ${run + 1}` });
    empty.push(await importOnce(stack, api, dataset.id, file, options.rows));
    await prepare(databaseUrl, []);
    existing.push(await importOnce(stack, api, dataset.id, file, options.rows));
    options.log(`  run ${run + 1}: empty dataset ${empty.at(-1)!.wholePathSeconds.toFixed(2)} s, dataset with rows ${existing.at(-1)!.wholePathSeconds.toFixed(2)} s`);
  }
  return { empty, existing };
}

async function importOnce(stack: BenchStack, api: ApiClient, datasetId: string, file: string, rows: number, contentType = 'text/csv'): Promise<ImportRun> {
  const started = performance.now();
  const queued = await api.upload<ImportJson>(`/datasets/${datasetId}/imports`, file, contentType);
  const uploaded = performance.now();
  await api.waitForState<ImportJson>(queued.id, ['awaiting_review'], undefined, POLL_MS);
  const reviewed = performance.now();
  await api.request('POST', `/imports/${queued.id}/start`, { invalidRows: 'reject' });
  const finished = await api.waitForState<ImportJson>(queued.id, ['completed'], undefined, POLL_MS);
  const ended = performance.now();
  if (finished.counts.samples !== rows) throw new Error(`Import loaded ${finished.counts.samples} of ${rows} rows`);

  const analysis = await workerLogEntry(stack, 'analysis finished; waiting for review', queued.id);
  const load = await workerLogEntry(stack, 'import completed', queued.id);
  return {
    wholePathSeconds: (ended - started) / 1000,
    uploadSeconds: (uploaded - started) / 1000,
    analysisWaitSeconds: (reviewed - uploaded) / 1000,
    loadWaitSeconds: (ended - reviewed) / 1000,
    analysisJobSeconds: Number(analysis.seconds ?? Number.NaN),
    loadJobSeconds: Number(load.seconds ?? Number.NaN),
    phaseSeconds: { ...((analysis.phaseSeconds ?? {}) as Record<string, number>), ...((load.phaseSeconds ?? {}) as Record<string, number>) },
    mergeSeconds: (load.mergeSeconds ?? {}) as Record<string, number>,
  };
}

/**
 * Returns the worker's log entry with this message for an import. The API can report a state
 * a moment before the worker has logged it, so the entry is awaited for up to two seconds.
 */
async function workerLogEntry(stack: BenchStack, message: string, importId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const entry = logEntries(stack.worker, message).find((candidate) => candidate.importId === importId);
    if (entry || Date.now() > deadline) return entry ?? {};
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function summariseImports(name: string, scenario: string, runs: ImportRun[], rows: number, bytes: number, baselines: Baselines, samplesCopyRowsPerSecond: number): BenchmarkResult {
  const whole = median(runs.map((run) => run.wholePathSeconds));
  const rate = rows / whole;
  return {
    name,
    description: `Upload over HTTP, analysis job, POST /start and load job, until GET /imports/{id} reports completed, ${scenario}`,
    rows,
    fileMegabytes: round(bytes / 1024 ** 2, 1),
    seconds: round(whole),
    rowsPerSecond: Math.round(rate),
    uploadSeconds: round(median(runs.map((run) => run.uploadSeconds))),
    analysisWaitSeconds: round(median(runs.map((run) => run.analysisWaitSeconds))),
    loadWaitSeconds: round(median(runs.map((run) => run.loadWaitSeconds))),
    analysisJobSeconds: round(median(runs.map((run) => run.analysisJobSeconds))),
    loadJobSeconds: round(median(runs.map((run) => run.loadJobSeconds))),
    phaseSeconds: medianOfKeys(runs.map((run) => run.phaseSeconds)),
    mergeStepSeconds: medianOfKeys(runs.map((run) => run.mergeSeconds)),
    secondsPerRun: runs.map((run) => round(run.wholePathSeconds)),
    ratioToPlainCopy: round(rate / baselines.rowsPerSecond['psql-copy-plain']),
    ratioToSpatialCopy: round(rate / baselines.rowsPerSecond['psql-copy-spatial']),
    ratioToCopyIntoGist: round(rate / baselines.rowsPerSecond['psql-copy-into-gist']),
    ratioToCopyIntoGistWithRows: round(rate / baselines.rowsPerSecond['psql-copy-into-gist-with-rows']),
    ratioToSamplesCopy: round(rate / samplesCopyRowsPerSecond),
  };
}

/** Empties `samples` and the spatial index, dropping the imports' segment tables. */
const EMPTY_SAMPLES = [
  'TRUNCATE samples, measurements, sample_locations_live',
  `DO $$ DECLARE segment text; BEGIN
     FOR segment IN DELETE FROM sample_location_segments RETURNING table_name LOOP EXECUTE format('DROP TABLE IF EXISTS %I', segment); END LOOP;
   END $$`,
];

/**
 * Measures PostgreSQL's own share of a load. The rows the worker stored, and their points, are
 * exported in the binary COPY formats the worker sends. In one transaction, as the load does, they
 * are copied with `psql \copy` straight into `samples`, with all its indexes and triggers, and into
 * a new segment of `sample_locations`. The segment's GiST index is then built and the segment
 * attached. This runs first for a dataset with no rows, then for the same dataset containing them.
 * No pipeline can load faster than this, so the ratio to it shows how much the worker adds.
 */
async function runSamplesCopy(databaseUrl: string, workDir: string, options: IngestBenchOptions) {
  const psql = (...commands: string[]) => timeCommand('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, ...commands.flatMap((c) => ['-c', c])]);
  const columns = 'id, dataset_id, name, location, location_text, elevation, collected_at, collected_at_precision, values, import_id';
  const first = path.join(workDir, 'samples-first.copy');
  const second = path.join(workDir, 'samples-second.copy');
  const source = `(SELECT dataset_id FROM samples ORDER BY ord LIMIT 1)`;
  const created = await runSql(databaseUrl, [`INSERT INTO datasets (project_id, title) SELECT project_id, 'COPY floor' FROM datasets WHERE id = ${source} RETURNING id`]);
  const target = created[0]!.id as string;
  // The second file's ids differ in their first digit, so they add to the first file's rows.
  const exportRows = (file: string, id: string) =>
    psql(`\\copy (SELECT ${id}, '${target}'::uuid, name, location, location_text, elevation, collected_at, collected_at_precision, values, import_id FROM samples WHERE dataset_id = ${source} ORDER BY ord LIMIT ${options.rows}) TO '${file}' WITH (FORMAT binary)`);
  const exportPoints = (file: string, id: string) =>
    psql(`\\copy (SELECT ${id}, location FROM samples WHERE dataset_id = ${source} AND location IS NOT NULL ORDER BY ord LIMIT ${options.rows}) TO '${file}' WITH (FORMAT binary)`);
  const secondId = "overlay(id::text PLACING 'f' FROM 1 FOR 1)::uuid";
  await exportRows(first, 'id');
  await exportRows(second, secondId);
  await exportPoints(`${first}.points`, 'id');
  await exportPoints(`${second}.points`, secondId);

  // The statements of a load, as workers/ingest/merge.ts and server/db/location-segments.ts run them.
  const load = (file: string, segment: string) => {
    const table = `sample_locations_${segment.replaceAll('-', '')}`;
    return psql(
      'BEGIN',
      `SELECT set_config('fairport.location_segment', '${segment}', true)`,
      `CREATE TABLE ${table} (segment_id uuid NOT NULL DEFAULT '${segment}', dataset_id uuid NOT NULL DEFAULT '${target}',
         sample_id uuid NOT NULL, location geometry(Point, 4326) NOT NULL, CONSTRAINT ${table}_segment CHECK (segment_id = '${segment}'))`,
      `\\copy samples (${columns}) FROM '${file}' WITH (FORMAT binary)`,
      `\\copy ${table} (sample_id, location) FROM '${file}.points' WITH (FORMAT binary)`,
      `CREATE INDEX ${table}_location ON ${table} USING gist (location)`,
      `ALTER TABLE sample_locations ATTACH PARTITION ${table} FOR VALUES IN ('${segment}')`,
      `INSERT INTO sample_location_segments (id, dataset_id, table_name, points) VALUES ('${segment}', '${target}', '${table}', ${options.rows})`,
      'COMMIT',
    );
  };

  const empty: number[] = [];
  const withRows: number[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    await prepare(databaseUrl, EMPTY_SAMPLES);
    empty.push(await load(first, randomUUID()));
    await prepare(databaseUrl, []);
    withRows.push(await load(second, randomUUID()));
    options.log(`  run ${run + 1}: into samples ${empty.at(-1)!.toFixed(2)} s, with rows ${withRows.at(-1)!.toFixed(2)} s`);
  }
  const result = (name: string, description: string, seconds: number[]): BenchmarkResult => ({
    name,
    description,
    rows: options.rows,
    seconds: round(median(seconds)),
    rowsPerSecond: Math.round(options.rows / median(seconds)),
    secondsPerRun: seconds.map((value) => round(value)),
  });
  return {
    results: [
      result('psql-copy-into-samples', 'psql \\copy of the rows the worker stored, in its binary COPY format, into samples for a dataset with no rows: PostgreSQL\'s share of a load', empty),
      result('psql-copy-into-samples-with-rows', 'the same into samples for the same dataset, which then holds the first copy\'s rows', withRows),
    ],
    rowsPerSecond: { empty: Math.round(options.rows / median(empty)), withRows: Math.round(options.rows / median(withRows)) },
  };
}

/** Measures the XLSX reader alone in this process, then the workbook through the whole path. */
async function runXlsx(stack: BenchStack, databaseUrl: string, file: string, options: IngestBenchOptions): Promise<BenchmarkResult[]> {
  options.log(`generating a ${options.xlsxRows} x 20 XLSX workbook`);
  const cells = await writeSampleXlsx(file, options.xlsxRows);
  const megabytes = round((await stat(file)).size / 1024 ** 2, 1);

  const readerSeconds: number[] = [];
  for (let run = 0; run < options.runs; run += 1) readerSeconds.push(await timeXlsxReader(file, cells));

  const api = new ApiClient(stack.url);
  await api.signIn(BENCH_ADMIN.email, BENCH_ADMIN.password);
  const project = await api.request<{ id: string }>('POST', '/projects', { title: 'XLSX benchmark' });
  const runs: ImportRun[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    await prepare(databaseUrl, EMPTY_SAMPLES);
    const dataset = await api.request<{ id: string }>('POST', `/projects/${project.id}/datasets`, { title: `XLSX run ${run + 1}` });
    runs.push(await importOnce(stack, api, dataset.id, file, options.xlsxRows, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'));
    options.log(`  XLSX run ${run + 1}: reader ${readerSeconds[run]!.toFixed(2)} s, whole path ${runs.at(-1)!.wholePathSeconds.toFixed(2)} s`);
  }
  const reader = median(readerSeconds);
  const whole = median(runs.map((run) => run.wholePathSeconds));
  const jobs = median(runs.map((run) => run.analysisJobSeconds + run.loadJobSeconds));
  return [
    {
      name: 'xlsx-reader',
      description: 'readXlsxRows over the whole sheet in the benchmark process: unzip, shared strings and styles (saxes), then the sheet XML (SheetXmlScanner)',
      cells,
      fileMegabytes: megabytes,
      seconds: round(reader),
      cellsPerSecond: Math.round(cells / reader),
      secondsPerRun: readerSeconds.map((value) => round(value)),
    },
    {
      name: 'ingest-xlsx-whole-path',
      description: 'The workbook through the whole path as ingest-csv-empty-dataset: upload, analysis (one read), start, load (a second read)',
      cells,
      rows: options.xlsxRows,
      seconds: round(whole),
      cellsPerSecond: Math.round(cells / whole),
      jobSeconds: round(jobs),
      jobCellsPerSecond: Math.round(cells / jobs),
      phaseSeconds: medianOfKeys(runs.map((run) => run.phaseSeconds)),
      secondsPerRun: runs.map((run) => round(run.wholePathSeconds)),
    },
  ];
}

async function timeXlsxReader(file: string, expectedCells: number): Promise<number> {
  const started = performance.now();
  const archive = await ZipArchive.open(file);
  let cells = 0;
  try {
    for await (const batch of readXlsxRows(archive, null)) for (const row of batch.rows) cells += row.length;
  } finally {
    archive.close();
  }
  if (cells !== expectedCells) throw new Error(`The XLSX reader returned ${cells} cells of ${expectedCells}`);
  return (performance.now() - started) / 1000;
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
