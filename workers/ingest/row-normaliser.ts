import { converterFor, presentText, type CellContext, type CellConverter } from './cell-converters.js';
import { isPointGeometry } from './feature-rows.js';
import { checkGeometry, positionProblem } from './geometry-check.js';
import { targetField, type ImportPlan, type PlannedColumn } from './import-plan.js';
import type { IssueCollector, RowPosition } from './issue-collector.js';
import { parseDecimal, type DecimalMark } from './numbers.js';
import { formatDateTime, isCanonicalUtc, parseEpochMs, parseIsoTime, type ParsedTime, type TimePrecision } from './temporal.js';

/** Maximum length of a sample name, as the samples API allows. */
export const MAX_NAME_LENGTH = 500;

/** One sample as it goes into the staging table. */
export interface StagingRow {
  name: string;
  longitude: number | null;
  latitude: number | null;
  /** The coordinates as the file wrote them, "latitude, longitude"; null for GeoJSON. */
  locationText: string | null;
  elevation: number | null;
  /** ISO 8601 in UTC. */
  collectedAt: string | null;
  collectedAtPrecision: TimePrecision | null;
  /** JSON object text of the field values by key; missing values are absent. */
  valuesJson: string;
  /** JSON object text of the qualified values by field key, as [qualifier, number, text]; null when none. */
  qualifiedJson: string | null;
  /** GeoJSON text of a non-point geometry whose representative point is the location. */
  shapeJson: string | null;
}

interface FieldColumn {
  index: number;
  header: string;
  /** `"key":` ready to be put in front of the value. */
  jsonKey: string;
  convert: CellConverter;
  /** True for a latitude or longitude column that also fills a field. */
  coordinate: boolean;
}

type Axis = 'latitude' | 'longitude';

const AXIS_LIMITS: Record<Axis, number> = { latitude: 90, longitude: 180 };

/**
 * Turns source rows into staging rows by the plan: picks the sample's own columns, converts every
 * field value to its type and checks coordinates. Invalid values go to the issue collector and
 * make the row invalid, so `normalise` returns null for it.
 */
export class RowNormaliser implements CellContext {
  private readonly fields: FieldColumn[];
  private readonly nameColumn: PlannedColumn | undefined;
  private readonly latitudeColumn: PlannedColumn | undefined;
  private readonly longitudeColumn: PlannedColumn | undefined;
  private readonly timeColumn: PlannedColumn | undefined;
  private readonly elevationColumn: PlannedColumn | undefined;

  // The cell being converted, for issues and qualified values.
  private position: RowPosition = { line: null, feature: null };
  private column: FieldColumn | PlannedColumn | null = null;
  private qualifiedJson = '';
  // Indexes of the current row's coordinate columns whose value is invalid. Their fields are not
  // converted, so a bad coordinate is reported once.
  private readonly invalidCoordinates: number[] = [];
  /** Rows that got a location. */
  located = 0;
  /** Qualified values found, one measurement each. */
  qualifiedValues = 0;

  constructor(
    private readonly plan: ImportPlan,
    private readonly issues: IssueCollector,
  ) {
    const columnFor = (kind: string) => plan.columns.find((column) => column.target.kind === kind);
    this.nameColumn = columnFor('name');
    this.latitudeColumn = columnFor('latitude');
    this.longitudeColumn = columnFor('longitude');
    this.timeColumn = columnFor('collected_at');
    this.elevationColumn = columnFor('elevation');
    this.fields = plan.columns.flatMap((column) => {
      const field = targetField(column.target);
      if (field === null) return [];
      const { key, type } = field;
      return [{
        index: column.index,
        header: column.header,
        jsonKey: `${JSON.stringify(key)}:`,
        convert: converterFor(type, column.decimalMark),
        coordinate: column.target.kind !== 'field',
      }];
    });
  }

  /**
   * Normalises one row. `geometry` is the GeoJSON feature's geometry member, if any. Returns null
   * when the row has an issue.
   */
  normalise(cells: ArrayLike<unknown>, position: RowPosition, geometry: unknown = null): StagingRow | null {
    const issuesBefore = this.issues.count;
    this.position = position;
    this.qualifiedJson = '';

    const row: StagingRow = {
      name: this.readName(cells),
      longitude: null,
      latitude: null,
      locationText: null,
      elevation: this.readNumber(cells, this.elevationColumn),
      collectedAt: null,
      collectedAtPrecision: null,
      valuesJson: '{}',
      qualifiedJson: null,
      shapeJson: null,
    };
    // Coordinates come before the field values, which skip the fields of invalid coordinates.
    this.invalidCoordinates.length = 0;
    if (this.plan.location.kind === 'columns') this.readCoordinates(cells, row);
    else if (this.plan.location.kind === 'geometry') this.readGeometry(geometry, row);
    row.valuesJson = this.readValues(cells);
    this.readTime(cells, row);

    if (this.issues.count > issuesBefore) return null;
    if (this.qualifiedJson !== '') row.qualifiedJson = `{${this.qualifiedJson}}`;
    if (row.longitude !== null || row.shapeJson !== null) this.located += 1;
    return row;
  }

  /** Records a row that cannot be read at all, such as one with the wrong number of values. */
  rejectRow(position: RowPosition, reason: string): void {
    this.issues.add(position, null, null, reason);
  }

  invalid(value: unknown, reason: string): void {
    this.issues.add(this.position, this.column?.header ?? null, value, reason);
  }

  qualified(qualifier: '<' | '>' | 'bdl', value: number | null, text: string): void {
    const field = this.column as FieldColumn;
    const entry = `${field.jsonKey}[${JSON.stringify(qualifier)},${value === null ? 'null' : String(value)},${JSON.stringify(text)}]`;
    this.qualifiedJson = this.qualifiedJson === '' ? entry : `${this.qualifiedJson},${entry}`;
    this.qualifiedValues += 1;
  }

  private readValues(cells: ArrayLike<unknown>): string {
    let json = '';
    for (const field of this.fields) {
      if (field.coordinate && this.invalidCoordinates.includes(field.index)) continue;
      this.column = field;
      const fragment = field.convert(cells[field.index], this);
      if (fragment === undefined) continue;
      json = json === '' ? field.jsonKey + fragment : `${json},${field.jsonKey}${fragment}`;
    }
    this.column = null;
    return `{${json}}`;
  }

  private readName(cells: ArrayLike<unknown>): string {
    if (!this.nameColumn) return '';
    const value = cells[this.nameColumn.index];
    if (value === null || value === undefined) return '';
    const name = typeof value === 'string' ? (presentText(value) ?? '') : String(value);
    if (name.length <= MAX_NAME_LENGTH) return name;

    this.column = this.nameColumn;
    this.invalid(name, `the name is longer than ${MAX_NAME_LENGTH} characters`);
    return '';
  }

  private readNumber(cells: ArrayLike<unknown>, column: PlannedColumn | undefined): number | null {
    if (!column) return null;
    const value = cells[column.index];
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    if (typeof value !== 'string') return null;

    const text = presentText(value);
    if (text === undefined) return null;
    const number = parseDecimal(text, column.decimalMark as DecimalMark);
    if (number !== null) return number;
    this.column = column;
    this.invalid(text, `"${text}" is not a number`);
    return null;
  }

  private readTime(cells: ArrayLike<unknown>, row: StagingRow): void {
    const column = this.timeColumn;
    if (!column || column.target.kind !== 'collected_at') return;
    const value = cells[column.index];
    let time: ParsedTime | null = null;
    if (typeof value === 'number') time = parseEpochMs(value);
    else if (typeof value === 'string') {
      const text = presentText(value);
      if (text === undefined) return;
      if (!column.target.epochMs && isCanonicalUtc(text)) {
        row.collectedAt = text;
        row.collectedAtPrecision = 'millisecond';
        return;
      }
      time = column.target.epochMs ? parseEpochMs(Number(text)) : parseIsoTime(text);
    } else if (value === null || value === undefined) return;

    if (time === null) {
      this.column = column;
      const expected = column.target.epochMs ? 'a time in epoch milliseconds' : 'an ISO 8601 date or date-time';
      this.invalid(value, `${JSON.stringify(value)} is not ${expected}`);
      return;
    }
    row.collectedAt = formatDateTime(time.epochMs);
    row.collectedAtPrecision = time.precision;
  }

  private readCoordinates(cells: ArrayLike<unknown>, row: StagingRow): void {
    const latitudeColumn = this.latitudeColumn!;
    const longitudeColumn = this.longitudeColumn!;
    const latitude = this.readCoordinate(cells, latitudeColumn, 'latitude');
    const longitude = this.readCoordinate(cells, longitudeColumn, 'longitude');
    if (latitude === undefined || longitude === undefined) return;
    if (latitude === null && longitude === null) return;

    if (latitude === null || longitude === null) {
      this.column = latitude === null ? latitudeColumn : longitudeColumn;
      this.invalid(null, `the ${latitude === null ? 'latitude' : 'longitude'} is missing while the ${latitude === null ? 'longitude' : 'latitude'} is given`);
      return;
    }
    row.latitude = latitude;
    row.longitude = longitude;
    row.locationText = `${textOf(cells[latitudeColumn.index])}, ${textOf(cells[longitudeColumn.index])}`;
  }

  /**
   * Reads one coordinate in decimal degrees. Returns null for a missing value, and undefined after
   * recording an issue for a value that is not a number or is out of range.
   */
  private readCoordinate(cells: ArrayLike<unknown>, column: PlannedColumn, axis: Axis): number | null | undefined {
    const value = cells[column.index];
    if (value === null || value === undefined) return null;

    let written: unknown = value;
    let coordinate: number | null = null;
    if (typeof value === 'number') coordinate = Number.isFinite(value) ? value : null;
    else if (typeof value === 'string') {
      const text = presentText(value);
      if (text === undefined) return null;
      written = text;
      coordinate = parseDecimal(text, column.decimalMark);
    }

    if (coordinate === null) {
      this.invalidCoordinate(column, written, `${JSON.stringify(written)} is not a ${axis} in decimal degrees`);
      return undefined;
    }
    const limit = AXIS_LIMITS[axis];
    if (coordinate < -limit || coordinate > limit) {
      this.invalidCoordinate(column, written, `${axis} ${coordinate} is outside -${limit} to ${limit}`);
      return undefined;
    }
    return coordinate;
  }

  private invalidCoordinate(column: PlannedColumn, value: unknown, reason: string): void {
    this.invalidCoordinates.push(column.index);
    this.column = column;
    this.invalid(value, reason);
  }

  private readGeometry(geometry: unknown, row: StagingRow): void {
    if (geometry === null || geometry === undefined) return;
    this.column = null;
    if (isPointGeometry(geometry)) {
      const problem = positionProblem(geometry.coordinates);
      if (problem !== null) {
        this.invalid(geometry.coordinates, `the point is invalid: ${problem}`);
        return;
      }
      row.longitude = geometry.coordinates[0] as number;
      row.latitude = geometry.coordinates[1] as number;
      return;
    }
    // Other geometries are checked as the value of their geometry field; only the valid ones get here.
    const check = checkGeometry(geometry);
    if (check.problem === null && !check.empty) row.shapeJson = JSON.stringify(geometry);
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value.trim() : String(value);
}
