import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { seededRandom } from '../../test/helpers/seeded-random.js';

/** Header of the generated table: an id, a name, a location, a time and seven measurements. */
export const SAMPLE_CSV_COLUMNS = [
  'id',
  'name',
  'lat',
  'lon',
  'timestamp',
  'temperature',
  'salinity',
  'ph',
  'oxygen',
  'nitrate',
  'depth',
  'chlorophyll',
] as const;

/** SQL column types matching SAMPLE_CSV_COLUMNS, for baseline tables loaded with psql. */
export const SAMPLE_CSV_SQL_COLUMNS =
  'id bigint, name text, lat double precision, lon double precision, "timestamp" timestamptz, temperature double precision, ' +
  'salinity double precision, ph double precision, oxygen double precision, nitrate double precision, depth double precision, ' +
  'chlorophyll double precision';

/**
 * Writes a CSV of `rows` samples scattered over the globe, one a minute from 2020-01-01, and
 * returns its size in bytes. About 105 bytes a row.
 */
export async function writeSampleCsv(file: string, rows: number, seed = 20261204): Promise<number> {
  const random = seededRandom(seed);
  const out = createWriteStream(file);
  const start = Date.UTC(2020, 0, 1);
  let buffer = `${SAMPLE_CSV_COLUMNS.join(',')}\n`;
  let bytes = 0;

  for (let id = 1; id <= rows; id += 1) {
    buffer +=
      `${id},S-${String(id).padStart(7, '0')},${(random() * 180 - 90).toFixed(5)},${(random() * 360 - 180).toFixed(5)},` +
      `${new Date(start + id * 60_000).toISOString()},${(random() * 30).toFixed(2)},${(random() * 40).toFixed(3)},` +
      `${(6 + random() * 3).toFixed(2)},${(random() * 12).toFixed(2)},${(random() * 50).toFixed(3)},` +
      `${(random() * 5000).toFixed(1)},${(random() * 10).toFixed(4)}\n`;
    if (buffer.length < 1 << 20) continue;
    bytes += Buffer.byteLength(buffer);
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  }
  bytes += Buffer.byteLength(buffer);
  out.end(buffer);
  await once(out, 'finish');
  return bytes;
}
