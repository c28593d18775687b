import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY_COPY_HEADER, BINARY_COPY_TRAILER, encodePoints, POINT_COPY_COLUMNS, SAMPLE_COPY_COLUMNS, SampleRecordEncoder, uuidBytes } from '../../workers/ingest/copy-binary.js';
import { SampleIds, sampleIdList, type SampleIdList } from '../../workers/ingest/sample-ids.js';
import type { SampleRow } from '../../workers/ingest/row-normaliser.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * The binary COPY encoder against PostgreSQL itself: rows go into a table with the column types of
 * `samples`, and come back as PostgreSQL's own text, so every value is checked as the server read it.
 */
const DATASET = '0190a3c2-0000-4000-8000-00000000d5e7';
const IMPORT = '0190a3c2-0000-4000-8000-0000000001f0';

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`SET TIME ZONE 'UTC'`);
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

function row(overrides: Partial<SampleRow>): SampleRow {
  return {
    name: 'S-1',
    longitude: null,
    latitude: null,
    locationText: null,
    elevation: null,
    collectedAt: null,
    collectedAtPrecision: null,
    valuesJson: '{}',
    qualified: null,
    locatedByShape: false,
    ...overrides,
  };
}

interface StoredRow {
  id: string;
  dataset_id: string;
  name: string;
  location: string | null;
  location_text: string | null;
  elevation: string | null;
  collected_at: string | null;
  collected_at_precision: string | null;
  values: string;
  import_id: string;
}

/** Copies the rows into a fresh table like `samples` and reads every column back as text. */
async function roundTrip(ids: string[] | SampleIdList, rows: SampleRow[]): Promise<StoredRow[]> {
  await client.query('DROP TABLE IF EXISTS copied');
  await client.query(`CREATE TABLE copied (
    ord serial, id uuid, dataset_id uuid, name text, location geometry(Point, 4326), location_text text,
    elevation double precision, collected_at timestamptz, collected_at_precision text, "values" jsonb, import_id uuid)`);
  const encoder = new SampleRecordEncoder(DATASET, IMPORT);
  const columns = SAMPLE_COPY_COLUMNS.map((column) => `"${column}"`).join(', ');
  const copy = client.query(copyFrom(`COPY copied (${columns}) FROM STDIN (FORMAT binary)`));
  const list = Array.isArray(ids) ? sampleIdList(ids) : ids;
  await pipeline(Readable.from([BINARY_COPY_HEADER, encoder.encode(list, rows), BINARY_COPY_TRAILER]), copy);
  const result = await client.query<StoredRow>(
    `SELECT id::text, dataset_id::text, name, ST_AsEWKT(location) AS location, location_text, elevation::text,
            collected_at::text, collected_at_precision, "values"::text, import_id::text
     FROM copied ORDER BY ord`,
  );
  return result.rows;
}

describe('SampleRecordEncoder', () => {
  it('writes every column of a sample as PostgreSQL reads it', async () => {
    const [stored] = await roundTrip(
      ['0190a3c2-1111-7abc-8def-000000000001'],
      [
        row({
          name: 'Core 7',
          longitude: -179.999999,
          latitude: 89.5,
          locationText: '89.5, -179.999999',
          elevation: -10994.25,
          collectedAt: Date.parse('2024-02-29T23:59:58.123Z'),
          collectedAtPrecision: 'millisecond',
          valuesJson: '{"ph":8.1,"note":"a \\"quote\\"","depth":12}',
        }),
      ],
    );
    expect(stored).toEqual({
      id: '0190a3c2-1111-7abc-8def-000000000001',
      dataset_id: DATASET,
      name: 'Core 7',
      location: 'SRID=4326;POINT(-179.999999 89.5)',
      location_text: '89.5, -179.999999',
      elevation: '-10994.25',
      collected_at: '2024-02-29 23:59:58.123+00',
      collected_at_precision: 'millisecond',
      values: '{"ph": 8.1, "note": "a \\"quote\\"", "depth": 12}',
      import_id: IMPORT,
    });
  });

  it('writes nulls, and text that the text format would have to escape, unchanged', async () => {
    const hostile = 'tab\there\nnew line \\N back\\slash, quote", ünïcödé, 🌊 and \u0001';
    const [stored] = await roundTrip(['0190a3c2-1111-7abc-8def-000000000002'], [row({ name: hostile, valuesJson: JSON.stringify({ note: hostile }) })]);
    expect(stored!.name).toBe(hostile);
    expect(JSON.parse(stored!.values)).toEqual({ note: hostile });
    expect(stored).toMatchObject({ location: null, location_text: null, elevation: null, collected_at: null, collected_at_precision: null });
  });

  it('keeps times from year 99 to 9999', async () => {
    // Times within about 285 years of 2000 are written without a BigInt, the others with one.
    const times = ['1969-07-20T20:17:40.000Z', '1999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z', '0099-03-01T00:00:00.000Z', '2285-06-01T12:00:00.001Z', '1715-01-01T00:00:00.001Z', '1955-03-01T00:00:00.000Z'];
    const ids = times.map((_, index) => `0190a3c2-1111-7abc-8def-00000000010${index}`);
    const stored = await roundTrip(
      ids,
      times.map((time) => row({ collectedAt: Date.parse(time), collectedAtPrecision: 'millisecond' })),
    );
    expect(stored.map((entry) => entry.collected_at)).toEqual([
      '1969-07-20 20:17:40+00',
      '1999-12-31 23:59:59.999+00',
      '9999-12-31 23:59:59.999+00',
      '0099-03-01 00:00:00+00',
      '2285-06-01 12:00:00.001+00',
      '1715-01-01 00:00:00.001+00',
      '1955-03-01 00:00:00+00',
    ]);
  });

  it('keeps whole milliseconds of a time with a fraction, as a Date does', async () => {
    const times = [Date.parse('2023-06-01T12:00:00.000Z') + 1.75, Date.parse('1960-01-01T00:00:00.000Z') - 0.5];
    const stored = await roundTrip(['0190a3c2-1111-7abc-8def-000000000201', '0190a3c2-1111-7abc-8def-000000000202'], times.map((time) => row({ collectedAt: time, collectedAtPrecision: 'millisecond' })));
    expect(stored.map((entry) => entry.collected_at)).toEqual(['2023-06-01 12:00:00.001+00', '1960-01-01 00:00:00+00']);
  });

  it('keeps point coordinates exactly', async () => {
    const longitude = 0.1 + 0.2;
    const latitude = -0;
    const [stored] = await roundTrip(['0190a3c2-1111-7abc-8def-000000000003'], [row({ longitude, latitude })]);
    const back = await client.query<{ x: number; y: number }>('SELECT ST_X(location) AS x, ST_Y(location) AS y FROM copied');
    expect(back.rows[0]).toEqual({ x: longitude, y: latitude });
    expect(stored!.location).toBe('SRID=4326;POINT(0.3 0)');
  });

  it('encodes many rows of mixed length in one buffer', async () => {
    const count = 500;
    const ids = Array.from({ length: count }, (_, index) => `0190a3c2-2222-7abc-8def-${index.toString(16).padStart(12, '0')}`);
    const rows = ids.map((_, index) => row({ name: 'é'.repeat(index % 40), elevation: index, valuesJson: JSON.stringify({ n: index, t: '∑'.repeat(index % 7) }) }));
    const stored = await roundTrip(ids, rows);
    expect(stored).toHaveLength(count);
    expect(stored.map((entry) => entry.id)).toEqual(ids);
    expect(stored.map((entry) => entry.name)).toEqual(rows.map((entry) => entry.name));
    expect(stored.map((entry) => JSON.parse(entry.values) as unknown)).toEqual(rows.map((entry) => JSON.parse(entry.valuesJson) as unknown));
  });

  it('writes the ids of SampleIds batches as their text form reads', async () => {
    const sampleIds = new SampleIds(Date.UTC(2026, 11, 5), Buffer.from('a1b2c3d4e5f6', 'hex'));
    sampleIds.next();
    const first = sampleIds.batch(2);
    const second = sampleIds.batch(3);
    const stored = [...(await roundTrip(first, [row({}), row({})])), ...(await roundTrip(second, [row({}), row({}), row({})]))];
    const texts = [first.text(0), first.text(1), second.text(0), second.text(1), second.text(2)];
    expect(stored.map((entry) => entry.id)).toEqual(texts);
    expect(texts.map((text) => text.slice(-8))).toEqual(['00000001', '00000002', '00000003', '00000004', '00000005']);
  });

  it('writes the points of located samples only, for a location segment', async () => {
    await client.query('DROP TABLE IF EXISTS points');
    await client.query('CREATE TABLE points (ord serial, sample_id uuid, location geometry(Point, 4326))');
    const ids = ['0190a3c2-3333-7abc-8def-000000000001', '0190a3c2-3333-7abc-8def-000000000002', '0190a3c2-3333-7abc-8def-000000000003'];
    const encoded = encodePoints(sampleIdList(ids), [row({ longitude: -0.5, latitude: 51.25 }), row({}), row({ longitude: 179.75, latitude: -89.5 })]);
    expect(encoded.count).toBe(2);
    const columns = POINT_COPY_COLUMNS.map((column) => `"${column}"`).join(', ');
    await pipeline(Readable.from([BINARY_COPY_HEADER, encoded.data, BINARY_COPY_TRAILER]), client.query(copyFrom(`COPY points (${columns}) FROM STDIN (FORMAT binary)`)));
    const stored = await client.query('SELECT sample_id::text, ST_AsEWKT(location) AS location FROM points ORDER BY ord');
    expect(stored.rows).toEqual([
      { sample_id: ids[0], location: 'SRID=4326;POINT(-0.5 51.25)' },
      { sample_id: ids[2], location: 'SRID=4326;POINT(179.75 -89.5)' },
    ]);
  });

  it('rejects ids that are not UUIDs', () => {
    const encoder = new SampleRecordEncoder(DATASET, IMPORT);
    expect(() => encoder.encode(sampleIdList(['not-a-uuid']), [row({})])).toThrow('"not-a-uuid" is not a UUID');
    expect(() => uuidBytes('0190a3c2')).toThrow('is not a UUID');
    expect(uuidBytes(DATASET).toString('hex')).toBe(DATASET.replaceAll('-', ''));
  });
});
