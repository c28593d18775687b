import type { Feature, Point } from 'geojson';
import type { Knex } from 'knex';
import type { BoundingBox, Sample as SampleDto, SampleCreate, SampleUpdate } from '../../common/api/samples.js';
import type { DatasetChange } from '../../common/events.js';
import type { SignedInActor } from '../auth/actor.js';
import type { Dataset } from '../db/models/dataset.js';
import { Sample } from '../db/models/sample.js';
import { inBoxCondition } from '../db/location-segments.js';
import { HttpError, notFound } from '../http/http-error.js';
import { validationError } from '../http/problem.js';
import { appendChange, lockDataset } from './change-log.js';
import { recordSampleChange } from './editing/rest-changes.js';
import { valueIssues } from './cell-values.js';
import { listFields } from './fields.js';
import { iso, isoOrNull } from './timestamps.js';
import { shapeLocation, type PointLocation } from '../../common/shape-location.js';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

export function toSampleDto(sample: Sample): SampleDto {
  return {
    id: sample.id,
    datasetId: sample.datasetId,
    ord: sample.ord,
    name: sample.name,
    igsn: sample.igsn,
    parentId: sample.parentId,
    material: sample.material,
    location: sample.location,
    locationText: sample.locationText,
    elevation: sample.elevation,
    collectedAt: isoOrNull(sample.collectedAt),
    collectedAtPrecision: sample.collectedAtPrecision as SampleDto['collectedAtPrecision'],
    values: sample.values,
    version: sample.version,
    importId: sample.importId,
    createdAt: iso(sample.createdAt),
    updatedAt: iso(sample.updatedAt),
  };
}

/** Converts a sample to a GeoJSON Feature. A sample without a location has a null geometry (RFC 7946 §3.2). */
export function toSampleFeature(sample: Sample): Feature<Point | null> {
  const { id, location, ...properties } = toSampleDto(sample);
  return { type: 'Feature', id, geometry: location as Point | null, properties };
}

export interface SampleListOptions {
  limit: number;
  afterOrd: number | null;
  bbox: BoundingBox | undefined;
}

/** Reads one page of a dataset's samples in row order, with one extra row that shows whether more follow. */
export async function listSamples(datasetId: string, options: SampleListOptions): Promise<Sample[]> {
  const query = Sample.query()
    .modify('withGeoJson')
    .where('samples.datasetId', datasetId)
    .orderBy('samples.ord')
    .limit(options.limit + 1);
  if (options.afterOrd !== null) query.where('samples.ord', '>', options.afterOrd);
  if (options.bbox) {
    const inBox = await inBoxCondition(Sample.knex(), datasetId, options.bbox);
    query.whereRaw(inBox.sql, inBox.bindings);
  }
  return query;
}

export async function getSample(sampleId: string): Promise<Sample> {
  const sample = await Sample.query().modify('withGeoJson').findById(sampleId);
  if (!sample) throw notFound('Sample', sampleId);
  return sample;
}

function pointSql(knex: Knex, location: { coordinates: [number, number] } | null): Knex.Raw | null {
  if (location === null) return null;
  const [lon, lat] = location.coordinates;
  return knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [lon, lat]);
}

function authorOf(actor: SignedInActor) {
  return { type: 'user', id: actor.id, displayName: actor.displayName } as const;
}

/** Adds a sample after checking its values against the dataset's fields, and logs the change. */
export async function createSample(
  actor: SignedInActor,
  dataset: Dataset,
  input: Required<Omit<SampleCreate, 'id'>> & { id?: string | undefined },
): Promise<{ sample: Sample; change: DatasetChange }> {
  const fields = await listFields(dataset.id);
  const issues = valueIssues(fields, input.values, true);
  if (issues.length > 0) throw validationError(issues);
  const geometryKeys = fields.filter((field) => field.type === 'geometry').map((field) => field.key);

  return translateConstraintErrors(() =>
    Sample.transaction(async (trx) => {
      await lockDataset(trx, dataset.id);
      const knex = Sample.knex();
      const { location: given, ...columns } = input;
      // A sample sent with a shape and no location is located on the shape, as an import locates it.
      const location = given ?? shapePoint(input.values, geometryKeys);
      const inserted = await Sample.query(trx).insert({
        ...columns,
        datasetId: dataset.id,
        location: pointSql(knex, location) as unknown as Sample['location'],
      });
      await checkParent(trx, dataset.id, input.parentId);
      const sample = await Sample.query(trx).modify('withGeoJson').findById(inserted.id);
      const change = await appendChange(trx, {
        datasetId: dataset.id,
        author: authorOf(actor),
        mutationId: null,
        ops: [{ type: 'sample.insert', sample: toSampleDto(sample!) }],
      });
      await recordSampleChange(trx, dataset.id, change.seq, sample!.id, null, toSampleDto(sample!));
      return { sample: sample!, change };
    }),
  );
}

/**
 * Applies a partial update: given properties replace the stored ones, `values` merges key by
 * key and a null value clears its key. A stale `version` raises 409 with the current version.
 */
export async function updateSample(
  actor: SignedInActor,
  sample: Sample,
  input: SampleUpdate,
): Promise<{ sample: Sample; change: DatasetChange | null }> {
  const { version, values, location, ...columns } = input;
  const fields = values ? await listFields(sample.datasetId) : [];
  if (values) {
    const issues = valueIssues(fields, values, false);
    if (issues.length > 0) throw validationError(issues);
  }

  return translateConstraintErrors(() =>
    Sample.transaction(async (trx) => {
      await lockDataset(trx, sample.datasetId);
      const current = await Sample.query(trx).modify('withGeoJson').findById(sample.id).forUpdate();
      if (!current) throw notFound('Sample', sample.id);
      if (version !== undefined && version !== current.version) {
        throw new HttpError(
          'conflict',
          `Sample ${sample.id} is at version ${current.version}, not ${version}; reload it and apply your change again.`,
        );
      }

      const geometryKeys = new Set(fields.filter((field) => field.type === 'geometry').map((field) => field.key));
      // A location in the request, even null, wins over the one its shapes would give.
      const moved = location !== undefined ? location : followedShape(current, values, geometryKeys);
      const patch = buildPatch(trx, withoutWrittenCoordinates(columns, current, moved), values, moved);
      if (Object.keys(patch).length === 0) return { sample: current, change: null };

      await Sample.query(trx).patch({ ...patch, version: current.version + 1 } as Partial<Sample>).where('id', sample.id);
      await checkParent(trx, sample.datasetId, columns.parentId ?? null, sample.id);
      const updated = (await Sample.query(trx).modify('withGeoJson').findById(sample.id))!;
      const changed = diff(current, updated);
      const change = await appendChange(trx, {
        datasetId: sample.datasetId,
        author: authorOf(actor),
        mutationId: null,
        ops: [{ type: 'sample.update', sampleId: sample.id, ...changed, version: updated.version }],
      });
      await recordSampleChange(trx, sample.datasetId, change.seq, sample.id, changed.before, changed.after);
      return { sample: updated, change };
    }),
  );
}

/** Returns a point on the first shape among the values, or null when there is none. */
function shapePoint(values: SampleCreate['values'], geometryKeys: readonly string[]): PointLocation | null {
  for (const key of geometryKeys) {
    const located = shapeLocation(null, null, values?.[key]);
    if (located !== undefined) return located;
  }
  return null;
}

/**
 * Returns the location a sample moves to when an update changes a geometry value it was located
 * on (see shapeLocation), or undefined when its location stays.
 */
function followedShape(current: Sample, values: SampleUpdate['values'], geometryKeys: ReadonlySet<string>): SampleUpdate['location'] {
  let location = current.location as PointLocation | null;
  let moved: PointLocation | undefined;
  for (const [key, value] of Object.entries(values ?? {})) {
    if (!geometryKeys.has(key)) continue;
    const next = shapeLocation(location, current.values[key], value);
    if (next === undefined) continue;
    [location, moved] = [next, next];
  }
  return moved;
}

/**
 * Clears the coordinates as the source wrote them when the request moves the sample and sets no
 * text of its own, so the API never gives two positions for one sample.
 */
function withoutWrittenCoordinates<T extends { locationText?: string | null | undefined }>(columns: T, current: Sample, moved: SampleUpdate['location']): T {
  if (moved === undefined || columns.locationText !== undefined || current.locationText === null) return columns;
  if (JSON.stringify(moved) === JSON.stringify(current.location)) return columns;
  return { ...columns, locationText: null };
}

function buildPatch(
  trx: Knex.Transaction,
  columns: Omit<SampleUpdate, 'version' | 'values' | 'location'>,
  values: SampleUpdate['values'],
  location: SampleUpdate['location'],
): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...columns };
  if (location !== undefined) patch.location = pointSql(trx, location);
  if (values && Object.keys(values).length > 0) {
    const set = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null));
    const cleared = Object.keys(values).filter((key) => values[key] === null);
    patch.values = trx.raw('(values || ?::jsonb) - ?::text[]', [JSON.stringify(set), cleared]);
  }
  return patch;
}

function diff(before: Sample, after: Sample): { before: Partial<SampleDto>; after: Partial<SampleDto> } {
  const old = toSampleDto(before) as unknown as Record<string, unknown>;
  const now = toSampleDto(after) as unknown as Record<string, unknown>;
  const changed = Object.keys(now).filter(
    (key) => !['version', 'updatedAt'].includes(key) && JSON.stringify(old[key]) !== JSON.stringify(now[key]),
  );
  return {
    before: Object.fromEntries(changed.map((key) => [key, old[key]])),
    after: Object.fromEntries(changed.map((key) => [key, now[key]])),
  };
}

async function checkParent(trx: Knex.Transaction, datasetId: string, parentId: string | null, selfId?: string): Promise<void> {
  if (parentId === null) return;
  if (parentId === selfId) throw validationError([{ field: 'body.parentId', message: 'a sample cannot be its own parent' }]);

  const parent = await Sample.query(trx).findById(parentId).select('datasetId');
  if (!parent || parent.datasetId !== datasetId) {
    throw validationError([{ field: 'body.parentId', message: 'no sample with this id in the same dataset' }]);
  }
}

async function translateConstraintErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const native = (error as { nativeError?: { code?: string; constraint?: string } }).nativeError;
    if (native?.code === UNIQUE_VIOLATION && native.constraint === 'samples_igsn_unique') {
      throw new HttpError('conflict', 'Another sample already has this IGSN; an IGSN names exactly one sample.', [
        { field: 'body.igsn', message: 'already registered' },
      ]);
    }
    if (native?.code === UNIQUE_VIOLATION && native.constraint === 'samples_pkey') {
      throw new HttpError('conflict', 'A sample with this id already exists; make a new id.', [
        { field: 'body.id', message: 'already used' },
      ]);
    }
    if (native?.code === FOREIGN_KEY_VIOLATION) {
      throw validationError([{ field: 'body.parentId', message: 'no sample with this id' }]);
    }
    throw error;
  }
}
