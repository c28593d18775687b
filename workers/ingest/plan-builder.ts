import type { FieldType } from '../../common/api/fields.js';
import type { CoordinateNotation, ImportMappingUpdate, ImportQualifiedExample } from '../../common/api/imports.js';
import type { ColumnProfile } from './column-profile.js';
import { detectSampleRoles, epochReadingOf, type RoleCandidate, type SampleRoles } from './column-roles.js';
import { inferColumnType, invalidCoordinates, typeAs, typeAsExcelSerial, widenedFieldType, type ColumnTyping } from './column-types.js';
import { WGS84 } from '../../server/geo/crs.js';
import type { DateSystem } from './dates.js';
import { MAX_LABEL_LENGTH, parseHeaders, type HeaderField } from './header-fields.js';
import {
  epochUnitOf,
  targetField,
  type ColumnTarget,
  type EpochReading,
  type FeatureColumnSource,
  type ImportPlan,
  type LocationSource,
  type PlannedColumn,
  type PlannedField,
  type SourcePlan,
} from './import-plan.js';
import { hasLetter, textShape } from './missing-values.js';
import { epochHintNote, numericTimeNote } from './numeric-time-note.js';
import { NUMBER_SHAPES, type NumberStyle } from './numbers.js';
import { parseQualified } from './qualifiers.js';

/** A field the dataset already has, as the plan needs it. */
export interface ExistingField {
  key: string;
  label: string;
  type: FieldType;
  unit: string | null;
}

/** The result of one pass over a table: its columns, their profiles and the count of broken rows. */
export interface TableScan {
  headers: unknown[];
  profiles: ColumnProfile[];
  /** Data rows, blank rows not counted. */
  rows: number;
  /** Rows that cannot be read at all: wrong number of values, broken quoting, not a feature. */
  brokenRows: number;
}

/** Everything the plan is made from: the file's scan, the dataset's fields and the uploader's changes. */
export interface PlanInput {
  source: SourcePlan;
  headerRow: number | null;
  scan: TableScan;
  /** For GeoJSON: where each column comes from. */
  featureSources: FeatureColumnSource[];
  /** For GeoJSON: whether any feature has a geometry, which then is the location. */
  hasGeometries: boolean;
  existingFields: ReadonlyMap<string, ExistingField>;
  style: NumberStyle;
  missingValues: string[];
  dateSystem: DateSystem;
  crs: number | null;
  overrides: ImportMappingUpdate;
  notes: string[];
}

// USGS earthquake feeds (recognised by their `mag` and `magType` properties) write positions as
// [longitude, latitude, depth] with the depth in kilometres. RFC 7946 otherwise calls the third
// coordinate an altitude or elevation.
const USGS_DEPTH_HEADER = 'Depth (km)';
const THIRD_COORDINATE_HEADER = 'Altitude';
const DATE_KEY = /(^|_)(date|datum|day|time|timestamp|collected|sampled)(_|$)/;
// Headers under which whole numbers of the size of epoch seconds are likely times.
const TIME_WORD = /(^|_)(time|timestamp|datetime|epoch|unix|unixtime|utc)(_|$)/;

type ColumnOverride = NonNullable<ImportMappingUpdate['columns']>[number];

/** Maps every column of a scanned file onto the sample's columns or onto dataset fields. */
export function buildPlan(input: PlanInput): ImportPlan {
  const { scan, featureSources } = input;
  const headers = scan.headers.map((header, index) => headerOf(header, featureSources[index], scan.headers));
  const parsed = parseHeaders(headers);
  const overrides = new Map((input.overrides.columns ?? []).map((column) => [column.index, column]));
  const projected = input.crs !== null && input.crs !== WGS84 && input.source.format !== 'geojson';

  const candidates = parsed.map((header, index) => candidateOf(header, index, input, overrides.get(index)));
  const roles = applyRoleOverrides(detectSampleRoles(candidates.map((candidate) => candidate.role), projected), overrides, candidates);
  // A GeoJSON feature's geometry is its location; latitude-like properties then stay fields.
  if (input.source.format === 'geojson' && input.hasGeometries) {
    roles.latitude = null;
    roles.longitude = null;
    roles.geometry = null;
  }

  const columns = parsed.map((header, index) => plannedColumn(header, index, roles, candidates[index]!, input, overrides.get(index)));
  const fields = columns.flatMap((column) => targetField(column.target) ?? []);
  const location = locationOf(input, roles);
  return {
    source: input.source,
    headerRow: input.headerRow,
    style: input.style,
    missingValues: input.missingValues,
    dateSystem: input.dateSystem,
    crs: input.crs,
    width: headers.length,
    columns,
    featureColumns: featureSources,
    location,
    rowsTotal: scan.rows,
    newFields: fields.filter((field) => !field.existing),
    widenedFields: fields.filter((field) => field.widenedFrom !== null),
    expectedIssues: scan.brokenRows + columns.reduce((sum, column) => sum + column.stats.invalid, 0),
    needsValidation: needsValidation(columns, input),
    notes: [...input.notes, ...locationNotes(location, columns)],
  };
}

interface Candidate {
  role: RoleCandidate;
  excelSerialDates: boolean;
}

function headerOf(header: unknown, source: FeatureColumnSource | undefined, all: readonly unknown[]): unknown {
  if (source?.kind !== 'third-coordinate') return header;
  return all.includes('mag') && all.includes('magType') ? USGS_DEPTH_HEADER : THIRD_COORDINATE_HEADER;
}

function candidateOf(header: HeaderField, index: number, input: PlanInput, override: ColumnOverride | undefined): Candidate {
  const profile = input.scan.profiles[index]!;
  const source = input.featureSources[index];
  const existing = input.existingFields.get(header.key);
  const synthetic = source?.kind === 'third-coordinate' || source?.kind === 'geometry';
  const style = input.style;

  let typing: ColumnTyping;
  let excelSerialDates = override?.excelSerialDates ?? false;
  if (existing) typing = typeAs(profile, widenedFieldType(profile, existing.type, style), style, override?.dateOrder);
  else if (source?.kind === 'geometry') typing = typeAs(profile, 'geometry', style);
  else if (override?.type) typing = excelSerialDates && (override.type === 'date' || override.type === 'datetime') ? { ...typeAsExcelSerial(profile, style, input.dateSystem), type: override.type } : typeAs(profile, override.type, style, override.dateOrder);
  else {
    typing = inferColumnType(profile, style);
    if (override?.dateOrder) typing = typeAs(profile, typing.type, style, override.dateOrder);
    if (override?.excelSerialDates === undefined && looksLikeExcelSerials(header.key, profile, typing)) excelSerialDates = true;
    if (excelSerialDates) typing = typeAsExcelSerial(profile, style, input.dateSystem);
    else if (looksLikeBasicDates(header.key, profile, typing, override?.target === 'collected_at')) typing = typeAs(profile, profile.basicDateTimes > 0 ? 'datetime' : 'date', style);
  }

  return { role: { key: header.key, unit: header.unit, profile, typing, eligible: !synthetic, hasField: existing !== undefined }, excelSerialDates };
}

// A numeric column under a date-like header whose values all lie in Excel's serial day range was
// most likely pasted from Excel without its date format.
function looksLikeExcelSerials(key: string, profile: ColumnProfile, typing: ColumnTyping): boolean {
  if (typing.type !== 'integer' && typing.type !== 'number') return false;
  if (!DATE_KEY.test(key) || profile.present === 0) return false;
  return profile.excelSerials === profile.present && profile.epochMs === 0;
}

// A column of whole numbers under a date-like header, or chosen as the collection time, that all
// read as ISO 8601 basic dates or date-times (20230601, 202306011230), as many instrument and
// agency formats write them. Twelve and fourteen digits also fit epoch milliseconds, but epoch
// times rarely all have a month, day, hour and minute in range when read so.
function looksLikeBasicDates(key: string, profile: ColumnProfile, typing: ColumnTyping, chosenAsTime: boolean): boolean {
  if (typing.type !== 'integer' || profile.present === 0) return false;
  if (!chosenAsTime && !DATE_KEY.test(key)) return false;
  return profile.basicDates + profile.basicDateTimes === profile.present;
}

function applyRoleOverrides(roles: SampleRoles, overrides: ReadonlyMap<number, ColumnOverride>, candidates: readonly Candidate[]): SampleRoles {
  const result = { ...roles };
  const release = (index: number) => {
    if (result.name === index) result.name = null;
    if (result.latitude === index) result.latitude = null;
    if (result.longitude === index) result.longitude = null;
    if (result.geometry === index) result.geometry = null;
    if (result.collectedAt?.column === index) result.collectedAt = null;
    if (result.elevation === index) result.elevation = null;
  };
  for (const [index, override] of overrides) {
    if (!override.target || index >= candidates.length) continue;
    release(index);
    switch (override.target) {
      case 'name':
        result.name = index;
        break;
      case 'latitude':
        result.latitude = index;
        result.swapped = false;
        break;
      case 'longitude':
        result.longitude = index;
        result.swapped = false;
        break;
      case 'geometry':
        result.geometry = index;
        break;
      case 'collected_at':
        result.collectedAt = { column: index, ...chosenTimeReading(candidates[index]!) };
        break;
      case 'elevation':
        result.elevation = index;
        break;
    }
  }
  return result;
}

/**
 * Tells how a column the uploader chose as the collection time is read. Whole numbers are epoch
 * seconds when more of them fit that range than the range of milliseconds, else epoch
 * milliseconds. The range check of the unit then reports every number that is not one.
 */
function chosenTimeReading(candidate: Candidate): EpochReading {
  const { typing, profile } = candidate.role;
  if (typing.type !== 'integer' || candidate.excelSerialDates) return { epochMs: false };

  const reading = epochReadingOf(candidate.role);
  if (reading !== null) return reading;
  if (profile.epochSeconds > profile.epochMs) return { epochMs: false, epochSeconds: true };
  return { epochMs: true };
}

/**
 * Builds the hint that a field's whole numbers may be times: any column of epoch milliseconds, and
 * a column of epoch seconds under a header that speaks of time. Numbers of the size of epoch
 * seconds are just as often counts or identifiers.
 */
function epochHint(key: string, candidate: Candidate, style: NumberStyle): string | null {
  const reading = epochReadingOf(candidate.role);
  if (reading === null || (reading.epochSeconds && !TIME_WORD.test(key))) return null;
  return epochHintNote(candidate.role.profile.examples, style, epochUnitOf(reading)!);
}

/** Tells whether a column has dates whose reading depends on the order of day and month, such as 03/04/2021. */
function dateOrderMatters(profile: ColumnProfile): boolean {
  const { separatedDates: dates, separatedDateTimes: dateTimes } = profile;
  return dates.either + dates.dayFirst + dates.monthFirst + dateTimes.either + dateTimes.dayFirst + dateTimes.monthFirst > 0;
}

function plannedColumn(
  header: HeaderField,
  index: number,
  roles: SampleRoles,
  candidate: Candidate,
  input: PlanInput,
  override: ColumnOverride | undefined,
): PlannedColumn {
  const { profile, typing } = candidate.role;
  const target = targetOf(header, index, roles, typing, input, override);
  const coordinate = target.kind === 'latitude' || target.kind === 'longitude';
  const notes: string[] = [];
  let invalid = typing.invalid;
  if (target.kind === 'skip') invalid = 0;
  else if (target.kind === 'name') invalid = profile.longerThanName;
  else if (coordinate) invalid = coordinateIssues(profile, target.kind, roles, input);
  else if (target.kind === 'collected_at' && typing.type !== 'date' && typing.type !== 'datetime' && epochUnitOf(roles.collectedAt) === null) invalid = profile.present;
  // A detection limit fits a number field, but an elevation or an epoch time has no place for its qualifier.
  else if (target.kind === 'elevation') invalid = typeAs(profile, 'number', input.style).invalid + profile.qualifiedIn(input.style);
  // Every value but a whole number in the unit's range is an issue of an epoch time: a qualified
  // value, a decimal, or a number too small or large, such as seconds read as milliseconds.
  else if (target.kind === 'collected_at' && epochUnitOf(target) !== null) invalid = profile.present - (epochUnitOf(target) === 's' ? profile.epochSeconds : profile.epochMs);
  // Unreadable sheet cells count as missing for the type, but each is an issue of a column the import reads.
  if (target.kind !== 'skip') invalid += profile.unreadable;
  // Only text and term cells have a length limit; the typing of other fields counts such long values already.
  const fieldType = targetField(target)?.type;
  if (fieldType === 'text' || fieldType === 'term') invalid += profile.longerThanText;

  const keptCodes = codesKeptAsText(profile, target, input);
  // Only a number or integer field stores detection limits as measurements.
  const measured = fieldType === 'number' || fieldType === 'integer';
  for (const [code, count] of profile.missingCodes) notes.push(missingCodeNote(code, count, keptCodes.includes(code)));
  if (typing.dateOrderAmbiguous && (typing.type === 'date' || typing.type === 'datetime')) {
    notes.push('No date showed whether the day or the month comes first; day first is assumed. Check the order.');
  }
  if (candidate.excelSerialDates) notes.push(numericTimeNote({ kind: 'excel', system: input.dateSystem }, profile.examples, input.style));
  else if ((typing.type === 'date' || typing.type === 'datetime') && profile.basicDates + profile.basicDateTimes > 0) {
    notes.push(numericTimeNote({ kind: 'basic', withTime: profile.basicDateTimes > 0 }, profile.examples, input.style));
  }
  else if (target.kind === 'collected_at' && epochUnitOf(target) !== null) {
    notes.push(numericTimeNote({ kind: 'epoch', unit: epochUnitOf(target)! }, profile.examples, input.style));
  }
  else if (target.kind === 'field' && roles.collectedAt === null) {
    const hint = epochHint(header.key, candidate, input.style);
    if (hint !== null) notes.push(hint);
  }
  if (profile.signConflicts > 0) notes.push(`${profile.signConflicts} ${profile.signConflicts === 1 ? 'value has' : 'values have'} a minus sign that disagrees with the hemisphere letter.`);
  if (targetField(target)?.widenedFrom === 'integer') notes.push('The existing integer field becomes a number field, because the file has decimals for it.');
  if (header.renamed === 'duplicate') notes.push(`Another column has the same header, so this one is stored as "${header.key}".`);
  if (header.renamed === 'blank') notes.push(`The header is empty, so the column is named "${header.label}".`);
  if (header.renamed === 'too_long') notes.push(`The header is too long for a field key, so it is stored as "${header.key}".`);

  return {
    index,
    header: header.header,
    key: targetField(target)?.key ?? header.key,
    label: targetField(target)?.label ?? header.label,
    renamed: header.renamed,
    target,
    dateOrder: typing.dateOrder,
    dateOrderAmbiguous: typing.dateOrderAmbiguous,
    dateOrderMatters: dateOrderMatters(profile),
    excelSerialDates: candidate.excelSerialDates,
    coordinateNotation: coordinate ? notationOf(profile) : null,
    examples: profile.examples,
    stats: keptStats(profile, keptCodes, invalid, measured ? profile.qualifiedIn(input.style) : 0),
    ...(measured ? qualifiedExampleOf(profile, input.style) : {}),
    notes,
    ...(keptCodes.length > 0 ? { keptCodes } : {}),
  };
}

/**
 * Returns the missing-value codes with letters that a text column uses as values: those whose
 * shape at least half of the column's other values share, as "ND" among "CA" and "TX". It keeps
 * the default codes from deleting real values. Codes the uploader set are always missing values.
 */
function codesKeptAsText(profile: ColumnProfile, target: ColumnTarget, input: PlanInput): string[] {
  if (input.overrides.missingValues !== undefined) return [];
  const type = target.kind === 'name' ? 'text' : targetField(target)?.type;
  if (type !== 'text' && type !== 'term') return [];
  const keptCodes: string[] = [];
  for (const code of profile.missingCodes.keys()) {
    if (!hasLetter(code)) continue;
    const alike = profile.codeShapes.get(textShape(code)) ?? 0;
    if (alike >= 2 && alike * 2 >= profile.present) keptCodes.push(code);
  }
  return keptCodes;
}

function missingCodeNote(code: string, count: number, keptAsText: boolean): string {
  const cells = `${count} ${count === 1 ? 'cell holds' : 'cells hold'} "${code}"`;
  if (!keptAsText) return `${cells}, read as a missing value`;
  return `${cells}, kept as text because most values of the column are written the same way. To read "${code}" as a missing value instead, set the missing-value codes yourself, with "${code}" among them.`;
}

/** Returns the first qualified value of the column that reads in the file's number style, with its reading. */
function qualifiedExampleOf(profile: ColumnProfile, style: NumberStyle): { qualifiedExample?: ImportQualifiedExample } {
  for (const text of profile.qualifiedTexts.values()) {
    const reading = parseQualified(text, style);
    if (reading !== null) return { qualifiedExample: { text, ...reading } };
  }
  return {};
}

/** Returns the column's counts, with cells of kept codes counted as present values. */
function keptStats(profile: ColumnProfile, keptCodes: readonly string[], invalid: number, qualified: number): PlannedColumn['stats'] {
  const keptCells = keptCodes.reduce((sum, code) => sum + (profile.missingCodes.get(code) ?? 0), 0);
  return { present: profile.present + keptCells, missing: profile.missing - keptCells, invalid, qualified };
}

function targetOf(header: HeaderField, index: number, roles: SampleRoles, typing: ColumnTyping, input: PlanInput, override: ColumnOverride | undefined): ColumnTarget {
  if (override?.target === 'skip') return { kind: 'skip' };
  // An unnamed column without a single value is an artefact of the export, such as a delimiter at the end of every line.
  if (!override?.target && header.renamed === 'blank' && input.scan.profiles[index]!.present === 0) return { kind: 'skip' };
  if (roles.name === index) return { kind: 'name' };
  if (roles.latitude === index) return { kind: 'latitude', field: existingFieldOf(header, typing, input.existingFields) };
  if (roles.longitude === index) return { kind: 'longitude', field: existingFieldOf(header, typing, input.existingFields) };
  if (roles.collectedAt?.column === index) {
    const { column: _column, ...reading } = roles.collectedAt;
    return { kind: 'collected_at', ...reading };
  }
  if (roles.elevation === index) return { kind: 'elevation' };

  const field: PlannedField = existingFieldOf(header, typing, input.existingFields) ?? newField(header, typing, override);
  if (roles.geometry === index) return { kind: 'geometry', field: { ...field, type: field.existing ? field.type : 'geometry' } };
  return { kind: 'field', field };
}

function newField(header: HeaderField, typing: ColumnTyping, override: ColumnOverride | undefined): PlannedField {
  // Only numbers have units: the brackets of "Station (national code)" or "Date (UTC)" stay in the label.
  const measured = typing.type === 'number' || typing.type === 'integer';
  const headerUnit = measured ? header.unit : null;
  const headerLabel = measured || header.unit === null ? header.label : header.header.trim().slice(0, MAX_LABEL_LENGTH);
  const label = override?.label ?? headerLabel;
  const renamed = header.renamed !== null || header.header.length > MAX_LABEL_LENGTH;
  return {
    key: header.key,
    label,
    type: typing.type,
    unit: override?.unit !== undefined ? override.unit : headerUnit,
    description: renamed ? `Column header in the uploaded file: "${header.header}"` : '',
    existing: false,
    widenedFrom: null,
  };
}

// The column was typed with the field's type, widened where its values needed that.
function existingFieldOf(header: HeaderField, typing: ColumnTyping, existingFields: ReadonlyMap<string, ExistingField>): PlannedField | null {
  const existing = existingFields.get(header.key);
  if (!existing) return null;
  const widenedFrom = typing.type === existing.type ? null : existing.type;
  return { key: existing.key, label: existing.label, type: typing.type, unit: existing.unit, description: '', existing: true, widenedFrom };
}

function locationOf(input: PlanInput, roles: SampleRoles): LocationSource {
  if (input.source.format === 'geojson' && input.hasGeometries) return { kind: 'geometry', column: null };
  if (roles.latitude !== null && roles.longitude !== null) {
    return { kind: 'columns', latitude: roles.latitude, longitude: roles.longitude, swapped: roles.swapped, longitudes360: roles.longitudes360 };
  }
  if (roles.geometry !== null) return { kind: 'geometry', column: roles.geometry };
  return { kind: 'none' };
}

function coordinateIssues(profile: ColumnProfile, axis: 'latitude' | 'longitude', roles: SampleRoles, input: PlanInput): number {
  const notCoordinates = invalidCoordinates(profile, input.style);
  if (input.crs !== null && input.crs !== WGS84) return notCoordinates;
  let outside = axis === 'latitude' ? profile.outsideLatitude : profile.outsideLongitude;
  if (axis === 'longitude' && roles.longitudes360) outside -= profile.above180;
  return notCoordinates + outside + profile.signConflicts;
}

function notationOf(profile: ColumnProfile): CoordinateNotation {
  // Values that are no coordinate at all, such as 47°02'60"N, are invalid and show no notation.
  const decimals = NUMBER_SHAPES.reduce((sum, shape) => sum + profile.shapes[shape], profile.letteredDecimal);
  const kinds = [decimals > 0 ? 'decimal' : null, profile.ddm > 0 ? 'ddm' : null, profile.dms > 0 ? 'dms' : null].filter(
    (kind): kind is CoordinateNotation => kind !== null,
  );
  if (kinds.length > 1) return 'mixed';
  return kinds[0] ?? 'decimal';
}

// Values in other notations, other CRSs and geometries are only fully checked by converting them.
function needsValidation(columns: readonly PlannedColumn[], input: PlanInput): boolean {
  if (input.crs !== null && input.crs !== WGS84) return true;
  return columns.some((column) => {
    const kind = column.target.kind;
    if (kind === 'geometry' || column.target.kind === 'field' && column.target.field.type === 'geometry') return true;
    if ((kind === 'latitude' || kind === 'longitude') && column.coordinateNotation !== 'decimal') return true;
    return kind === 'name' && column.stats.present > 0 && column.examples.some((example) => example.length >= 200);
  });
}

function locationNotes(location: LocationSource, columns: readonly PlannedColumn[]): string[] {
  if (location.kind === 'geometry' && location.column === null) {
    return ["Each feature's geometry gives its sample's location. A line or polygon is located by a point on it and kept whole in a geometry field."];
  }
  if (location.kind !== 'columns') return [];
  const notes: string[] = [];
  const latitude = columns[location.latitude]!.header;
  const longitude = columns[location.longitude]!.header;
  if (location.swapped) notes.push(`The column "${longitude}" holds values beyond ±90, so it is read as the longitude and "${latitude}" as the latitude.`);
  if (location.longitudes360) notes.push(`Longitudes in "${longitude}" run from 0 to 360; values above 180 are stored as negative (west) longitudes.`);
  return notes;
}
