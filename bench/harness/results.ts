import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineFacts } from './machine.js';

/** Folder that keeps one JSON file per benchmark run. */
export const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');

/**
 * One benchmark's figures. Keys carry their unit (`seconds`, `rowsPerSecond`,
 * `peakRssMegabytes`); `ratio` compares the benchmark with the one named in `baseline`.
 */
export interface BenchmarkResult {
  name: string;
  description: string;
  baseline?: string;
  ratio?: number;
  [figure: string]: unknown;
}

/** A run of one or more benchmarks on one machine. */
export interface BenchmarkRun {
  machine: MachineFacts;
  settings: Record<string, unknown>;
  benchmarks: BenchmarkResult[];
}

/** Writes a run to bench/results/<date>-<suite>.json and returns the file's path. */
export async function writeRun(suite: string, run: BenchmarkRun): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = run.machine.date.replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `${stamp}-${suite}.json`);
  await writeFile(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Rounds a figure for a result file: 3 significant decimals are plenty for noisy timings. */
export function round(value: number, decimals = 3): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
