import type { Readable } from 'node:stream';
import { ColumnProfile } from './column-profile.js';
import type { MissingValues } from './missing-values.js';
import type { TableScan } from './plan-builder.js';
import type { ScanProgress } from './table-scan.js';
import { featureProblem, isFeature, isPointGeometry } from './feature-rows.js';
import { FeatureCollectionReader } from './geojson-source.js';
import type { FeatureColumnSource } from './import-plan.js';

/** The result of a pass over a FeatureCollection: the table columns plus the collection's own facts. */
export interface FeatureScan extends TableScan {
  /** The source of each column's values in a feature. */
  sources: FeatureColumnSource[];
  /** The top-level `type` member, expected to be "FeatureCollection". */
  rootType: string | null;
  hasFeaturesMember: boolean;
  /** Features with a geometry of any type. */
  geometries: number;
  /** True when the columns exceeded MAX_FEATURE_COLUMNS and the rest were not profiled. */
  tooManyColumns: boolean;
  /** The collection's `crs` member, when it has one. */
  crsName: string | null;
}

/** Most distinct property names a collection may have; each becomes a field. */
export const MAX_FEATURE_COLUMNS = 1000;

/** Column names of the synthetic columns; property names use their own. */
export const FEATURE_ID_HEADER = 'id';
export const GEOMETRY_HEADER = 'geometry';

/**
 * Reads a GeoJSON file once and profiles the feature id, every property, a third point coordinate
 * and non-point geometries as columns, in the order they first appear.
 */
export async function scanFeatures(input: Readable, fraction: () => number, missing: MissingValues, progress: ScanProgress): Promise<FeatureScan> {
  const reader = new FeatureCollectionReader(input, fraction);
  const scan: FeatureScan = {
    headers: [],
    profiles: [],
    rows: 0,
    brokenRows: 0,
    sources: [],
    rootType: null,
    hasFeaturesMember: false,
    geometries: 0,
    tooManyColumns: false,
    crsName: null,
  };
  const columnIndex = new Map<string, number>();
  const column = (id: string, header: string, source: FeatureColumnSource): ColumnProfile | null => {
    const known = columnIndex.get(id);
    if (known !== undefined) return scan.profiles[known]!;
    if (scan.headers.length >= MAX_FEATURE_COLUMNS) {
      scan.tooManyColumns = true;
      return null;
    }
    columnIndex.set(id, scan.headers.length);
    scan.headers.push(header);
    scan.sources.push(source);
    const profile = new ColumnProfile(missing);
    scan.profiles.push(profile);
    return profile;
  };

  for await (const batch of reader.batches()) {
    for (const feature of batch.features) {
      scan.rows += 1;
      if (!observeFeature(feature, column)) scan.brokenRows += 1;
      else if (isFeature(feature) && feature.geometry) scan.geometries += 1;
    }
    progress(scan.rows, batch.fraction);
  }

  scan.rootType = reader.rootType;
  scan.hasFeaturesMember = reader.hasFeatures;
  scan.crsName = reader.crsName;
  return scan;
}

type ColumnLookup = (id: string, header: string, source: FeatureColumnSource) => ColumnProfile | null;

function observeFeature(feature: unknown, column: ColumnLookup): boolean {
  if (featureProblem(feature) !== null || !isFeature(feature)) return false;

  if (feature.id !== undefined && feature.id !== null) {
    column('feature-id', FEATURE_ID_HEADER, { kind: 'feature-id' })?.observe(feature.id);
  }

  const properties = feature.properties as Record<string, unknown> | null | undefined;
  for (const [name, value] of Object.entries(properties ?? {})) {
    column(`property:${name}`, name, { kind: 'property', name })?.observe(value);
  }

  const geometry = feature.geometry;
  if (geometry === undefined || geometry === null) return true;
  if (isPointGeometry(geometry)) {
    const third = geometry.coordinates[2];
    // The header is settled when the plan is made, since it depends on the whole collection.
    if (third !== undefined) column('third-coordinate', '', { kind: 'third-coordinate' })?.observe(third);
    return true;
  }
  column('geometry', GEOMETRY_HEADER, { kind: 'geometry' })?.observe(geometry);
  return true;
}
