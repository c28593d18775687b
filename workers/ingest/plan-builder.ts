import type { FieldType } from '../../common/api/fields.js';
import type { ImportFormat } from '../../common/api/imports.js';
import { detectSampleRoles, type RoleCandidate, type SampleRoles } from './column-roles.js';
import { inferColumnType, typeAsField, type ColumnTyping } from './column-types.js';
import type { CsvDelimiter } from './csv-source.js';
import type { TextEncoding } from './format-sniffer.js';
import type { TableScan } from './csv-scan.js';
import { parseHeaders, type HeaderField } from './header-fields.js';
import type { ColumnTarget, FeatureColumnSource, ImportPlan, LocationSource, PlannedColumn, PlannedField } from './import-plan.js';

/** A field the dataset already has, as the plan needs it. */
export interface ExistingField {
  key: string;
  label: string;
  type: FieldType;
  unit: string | null;
}

/** Everything the plan is made from: the file's scan and the dataset's fields. */
export interface PlanInput {
  format: ImportFormat;
  encoding: TextEncoding;
  delimiter: CsvDelimiter | null;
  scan: TableScan;
  /** For GeoJSON: where each column comes from. */
  featureSources: FeatureColumnSource[];
  /** For GeoJSON: whether any feature has a geometry, which then is the location. */
  hasGeometries: boolean;
  existingFields: ReadonlyMap<string, ExistingField>;
}

// USGS earthquake feeds (recognised by their `mag` and `magType` properties) write positions as
// [longitude, latitude, depth] with the depth in kilometres. RFC 7946 otherwise calls the third
// coordinate an altitude or elevation.
const USGS_DEPTH_HEADER = 'Depth (km)';
const THIRD_COORDINATE_HEADER = 'Altitude';

/** Maps every column of a scanned file onto the sample's columns or onto dataset fields. */
export function buildPlan(input: PlanInput): ImportPlan {
  const { scan, featureSources } = input;
  const headers = scan.headers.map((header, index) => headerOf(header, featureSources[index], scan.headers));
  const parsed = parseHeaders(headers);

  const candidates = parsed.map((header, index) => candidateOf(header, index, input));
  const roles = detectSampleRoles(candidates);
  // A GeoJSON feature's geometry is its location; latitude-like properties then stay fields.
  if (input.format === 'geojson' && input.hasGeometries) {
    roles.latitude = null;
    roles.longitude = null;
  }

  const columns = parsed.map((header, index): PlannedColumn => ({
    index,
    header: header.header,
    target: targetOf(header, index, roles, candidates[index]!.typing, input.existingFields),
    decimalMark: candidates[index]!.typing.decimalMark,
    examples: scan.profiles[index]!.examples,
  }));

  return {
    format: input.format,
    encoding: input.encoding,
    delimiter: input.delimiter,
    width: headers.length,
    columns,
    featureColumns: featureSources,
    location: locationOf(input, roles),
    rowsTotal: scan.rows,
    newFields: columns.flatMap((column) => (column.target.kind === 'field' && !column.target.field.existing ? [column.target.field] : [])),
    expectedIssues: countExpectedIssues(scan, candidates, roles),
  };
}

function headerOf(header: string, source: FeatureColumnSource | undefined, all: readonly string[]): string {
  if (source?.kind !== 'third-coordinate') return header;
  return all.includes('mag') && all.includes('magType') ? USGS_DEPTH_HEADER : THIRD_COORDINATE_HEADER;
}

function candidateOf(header: HeaderField, index: number, input: PlanInput): RoleCandidate {
  const profile = input.scan.profiles[index]!;
  const source = input.featureSources[index];
  const existing = input.existingFields.get(header.key);
  const synthetic = source?.kind === 'third-coordinate' || source?.kind === 'geometry';

  let typing: ColumnTyping;
  if (existing) typing = typeAsField(profile, existing.type);
  else if (source?.kind === 'geometry') typing = typeAsField(profile, 'geometry');
  else typing = inferColumnType(profile);

  return { key: header.key, unit: header.unit, profile, typing, eligible: !existing && !synthetic };
}

function targetOf(
  header: HeaderField,
  index: number,
  roles: SampleRoles,
  typing: ColumnTyping,
  existingFields: ReadonlyMap<string, ExistingField>,
): ColumnTarget {
  if (roles.name === index) return { kind: 'name' };
  if (roles.latitude === index) return { kind: 'latitude' };
  if (roles.longitude === index) return { kind: 'longitude' };
  if (roles.collectedAt?.column === index) return { kind: 'collected_at', epochMs: roles.collectedAt.epochMs };
  if (roles.elevation === index) return { kind: 'elevation' };

  const existing = existingFields.get(header.key);
  const field: PlannedField = existing
    ? { key: existing.key, label: existing.label, type: existing.type, unit: existing.unit, existing: true }
    : { key: header.key, label: header.label, type: typing.type, unit: header.unit, existing: false };
  return { kind: 'field', field };
}

function locationOf(input: PlanInput, roles: SampleRoles): LocationSource {
  if (input.format === 'geojson' && input.hasGeometries) return { kind: 'geometry' };
  if (roles.latitude !== null && roles.longitude !== null) {
    return { kind: 'columns', latitude: roles.latitude, longitude: roles.longitude };
  }
  return { kind: 'none' };
}

function countExpectedIssues(scan: TableScan, candidates: readonly RoleCandidate[], roles: SampleRoles): number {
  let expected = scan.brokenRows;
  // The name takes any text, so its column's type never makes a value invalid.
  candidates.forEach((candidate, index) => {
    if (index !== roles.name) expected += candidate.typing.invalid;
  });
  if (roles.latitude !== null) expected += candidates[roles.latitude]!.profile.outsideLatitude;
  if (roles.longitude !== null) expected += candidates[roles.longitude]!.profile.outsideLongitude;
  return expected;
}
