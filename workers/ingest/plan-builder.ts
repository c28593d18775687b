import type { FieldType } from '../../common/api/fields.js';
import type { ImportFormat } from '../../common/api/imports.js';
import { detectSampleRoles, type RoleCandidate, type SampleRoles } from './column-roles.js';
import { inferColumnType, typeAsCoordinate, typeAsField, widenedFieldType, type ColumnTyping } from './column-types.js';
import type { CsvDelimiter } from './csv-source.js';
import type { TextEncoding } from './format-sniffer.js';
import type { TableScan } from './csv-scan.js';
import { parseHeaders, type HeaderField } from './header-fields.js';
import { targetField, type ColumnTarget, type FeatureColumnSource, type ImportPlan, type LocationSource, type PlannedColumn, type PlannedField } from './import-plan.js';

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

  const fields = columns.flatMap((column) => targetField(column.target) ?? []);
  return {
    format: input.format,
    encoding: input.encoding,
    delimiter: input.delimiter,
    width: headers.length,
    columns,
    featureColumns: featureSources,
    location: locationOf(input, roles),
    rowsTotal: scan.rows,
    newFields: fields.filter((field) => !field.existing),
    widenedFields: fields.filter((field) => field.widenedFrom !== null),
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
  if (existing) typing = typeAsField(profile, widenedFieldType(profile, existing.type));
  else if (source?.kind === 'geometry') typing = typeAsField(profile, 'geometry');
  else typing = inferColumnType(profile);

  return { key: header.key, unit: header.unit, profile, typing, eligible: !synthetic, hasField: existing !== undefined };
}

function targetOf(
  header: HeaderField,
  index: number,
  roles: SampleRoles,
  typing: ColumnTyping,
  existingFields: ReadonlyMap<string, ExistingField>,
): ColumnTarget {
  if (roles.name === index) return { kind: 'name' };
  if (roles.latitude === index) return { kind: 'latitude', field: existingFieldOf(header, typing, existingFields) };
  if (roles.longitude === index) return { kind: 'longitude', field: existingFieldOf(header, typing, existingFields) };
  if (roles.collectedAt?.column === index) return { kind: 'collected_at', epochMs: roles.collectedAt.epochMs };
  if (roles.elevation === index) return { kind: 'elevation' };

  const field: PlannedField = existingFieldOf(header, typing, existingFields) ?? {
    key: header.key,
    label: header.label,
    type: typing.type,
    unit: header.unit,
    existing: false,
    widenedFrom: null,
  };
  return { kind: 'field', field };
}

// The column was typed with the field's type, widened where its values needed that.
function existingFieldOf(header: HeaderField, typing: ColumnTyping, existingFields: ReadonlyMap<string, ExistingField>): PlannedField | null {
  const existing = existingFields.get(header.key);
  if (!existing) return null;
  const widenedFrom = typing.type === existing.type ? null : existing.type;
  return { key: existing.key, label: existing.label, type: typing.type, unit: existing.unit, existing: true, widenedFrom };
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
  candidates.forEach((candidate, index) => {
    // The name takes any text, so its column's type never makes a value invalid.
    if (index === roles.name) return;
    if (index === roles.latitude) expected += coordinateIssues(candidate, candidate.profile.outsideLatitude);
    else if (index === roles.longitude) expected += coordinateIssues(candidate, candidate.profile.outsideLongitude);
    else expected += candidate.typing.invalid;
  });
  return expected;
}

function coordinateIssues(candidate: RoleCandidate, outsideRange: number): number {
  const coordinate = typeAsCoordinate(candidate.profile).invalid + outsideRange;
  if (!candidate.hasField) return coordinate;
  // A value that is no coordinate is reported once, for the coordinate and not for the field.
  // The two counts overlap, so the larger one is a lower bound of the issues.
  return Math.max(coordinate, candidate.typing.invalid);
}
