import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetCreate } from '../../common/api/datasets.js';

/** The data folder of the vega-datasets package, which ships real public datasets as files. */
const VEGA_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.resolve('vega-datasets'))), '../data');

export interface DemoDataset {
  metadata: DatasetCreate & { title: string };
  /** Writes the file to upload and returns its path, the name to upload it under, and how to remove it. */
  prepareFile(): Promise<PreparedFile>;
}

export interface PreparedFile {
  file: string;
  fileName: string;
  cleanup(): Promise<void>;
}

interface PackageResource {
  name: string;
  description: string;
  licenses: { title?: string; name?: string; path: string }[];
  sources: { title: string; path: string }[];
}

async function resource(name: string): Promise<PackageResource> {
  const manifest = JSON.parse(await readFile(path.join(VEGA_DATA, '../datapackage.json'), 'utf8')) as { resources: PackageResource[] };
  const found = manifest.resources.find((entry) => entry.name === name);
  if (!found) throw new Error(`vega-datasets has no resource "${name}"; check the installed version.`);
  return found;
}

/** The USGS "all earthquakes, past week" feed from 31 January to 7 February 2018, as GeoJSON. */
async function earthquakes(): Promise<DemoDataset> {
  const entry = await resource('earthquakes');
  return {
    metadata: {
      title: 'USGS earthquakes, one week (31 January to 7 February 2018)',
      abstract:
        'Every seismic event of any magnitude in the U.S. Geological Survey "all earthquakes, past week" real-time feed, ' +
        'as published on 7 February 2018: magnitude, place, time, depth and event links. Loaded unchanged from the GeoJSON feed.',
      license: 'LicenseRef-US-Public-Domain',
      rights: `${entry.licenses[0]?.title ?? 'U.S. Public Domain'}: ${entry.licenses[0]?.path ?? ''}`,
      keywords: ['earthquakes', 'seismology', 'USGS', 'natural hazards'],
      temporalStart: '2018-01-31T00:00:00Z',
      temporalEnd: '2018-02-07T23:59:59Z',
      visibility: 'public',
      state: 'published',
      sourceName: `${entry.sources[0]?.title ?? 'USGS Earthquake Feed'}, U.S. Geological Survey Earthquake Hazards Program (copy shipped by the vega-datasets npm package)`,
      sourceUrl: entry.sources[0]?.path ?? null,
    },
    async prepareFile() {
      return { file: path.join(VEGA_DATA, 'earthquakes.json'), fileName: 'usgs-earthquakes-2018-02-07.geojson', cleanup: async () => {} };
    },
  };
}

/** Morphological measurements of 344 penguins of the Palmer Archipelago, converted from JSON to CSV. */
async function penguins(): Promise<DemoDataset> {
  const entry = await resource('penguins');
  return {
    metadata: {
      title: 'Palmer penguins: body measurements of 344 penguins, Palmer Archipelago, Antarctica',
      abstract:
        'Beak length and depth, flipper length, body mass, sex, species and island of 344 Adélie, Chinstrap and Gentoo penguins, ' +
        'collected by Dr. Kristen Gorman with the Palmer Station Antarctica Long Term Ecological Research program. ' +
        'Converted from the JSON copy in vega-datasets to CSV with a row id added; missing values are written NA.',
      license: 'CC0-1.0',
      rights: `${entry.licenses[0]?.name ?? 'CC0 1.0 Universal'}: ${entry.licenses[0]?.path ?? ''}`,
      keywords: ['penguins', 'Antarctica', 'morphology', 'Palmer LTER'],
      temporalStart: '2007-01-01T00:00:00Z',
      temporalEnd: '2009-12-31T23:59:59Z',
      visibility: 'public',
      state: 'published',
      sourceName: `${entry.sources.map((source) => source.title).join('; ')} (copy shipped by the vega-datasets npm package)`,
      sourceUrl: entry.sources[0]?.path ?? null,
    },
    async prepareFile() {
      const rows = JSON.parse(await readFile(path.join(VEGA_DATA, 'penguins.json'), 'utf8')) as Record<string, unknown>[];
      const file = path.join(os.tmpdir(), `fairport-penguins-${process.pid}.csv`);
      await writeFile(file, toCsv(rows));
      return { file, fileName: 'palmer-penguins.csv', cleanup: () => rm(file, { force: true }) };
    },
  };
}

/** Writes records as CSV with an `id` column first; null becomes NA, as in the original data. */
export function toCsv(rows: Record<string, unknown>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const lines = [['id', ...columns].map(quote).join(',')];
  rows.forEach((row, index) => {
    const id = `penguin-${String(index + 1).padStart(3, '0')}`;
    lines.push([id, ...columns.map((column) => (row[column] === null ? 'NA' : String(row[column])))].map(quote).join(','));
  });
  return `${lines.join('\n')}\n`;
}

function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The demo datasets, in the order they are loaded. */
export async function demoDatasets(): Promise<DemoDataset[]> {
  return [await earthquakes(), await penguins()];
}
