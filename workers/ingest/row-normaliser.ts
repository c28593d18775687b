import { converterFor, presentText, readTimeText, unrealDateReason, type CellContext, type CellConverter, type CellReading } from './cell-converters.js';
import { parseCoordinate, sexagesimalProblem } from './coordinates.js';
import { isKnownCrs, transformFromEpsg, transformGeometry, WGS84, type PositionTransform } from '../../server/geo/crs.js';
import { excelSerialToTime } from './dates.js';
import { isPointGeometry } from './feature-rows.js';
import { checkGeometry, positionProblem } from '../../common/geometry-check.js';
import { epochUnitOf, targetField, type ImportPlan, type PlannedColumn } from './import-plan.js';
import { quoted, type IssueCollector, type RowPosition } from './issue-collector.js';
import { MissingValues } from './missing-values.js';
import { numberShape, parseNumber } from './numbers.js';
import { canonicalUtcMs, parseBasicIsoNumber, parseEpoch, type ParsedTime, type TimePrecision } from './temporal.js';
import { UnreadableCell } from './spreadsheet.js';
import { parseWkt } from './wkt.js';

/** Maximum length of a sample name, as the samples API allows. */
export const MAX_NAME_LENGTH = 500;

/** A value such as "<0.01" of one field, which becomes a measurement. */
export interface QualifiedCell {
  key: string;
  qualifier: '<' | '>' | 'bdl';
  value: number | null;
  text: string;
}

/** One sample as it goes into the samples table. */
export interface SampleRow {
  name: string;
  longitude: number | null;
  latitude: number | null;
  /** The coordinates as the file wrote them, "latitude, longitude"; null for geometries. */
  locationText: string | null;
  elevation: number | null;
  /** Milliseconds since 1970-01-01 UTC. */
  collectedAt: number | null;
  collectedAtPrecision: TimePrecision | null;
  /** JSON object text of the field values by key; missing values are absent. */
  valuesJson: string;
  /** Qualified values, one measurement each; null when none. */
  qualified: QualifiedCell[] | null;
  /** True when the location is a non-point geometry, whose representative point PostGIS computes after the load. */
  locatedByShape: boolean;
}

interface FieldColumn {
  index: number;
  header: string;
  key: string;
  /** `"key":` ready to be put in front of the value. */
  jsonKey: string;
  convert: CellConverter;
  /** True for a latitude or longitude column that also fills a field. */
  coordinate: boolean;
}

type Axis = 'latitude' | 'longitude';

const AXIS_LIMITS: Record<Axis, number> = { latitude: 90, longitude: 180 };
/** The expected form of a collection-time cell, by the unit of its column's epoch numbers, or `text` for dates. */
const EXPECTED_TIME = { s: 'a time in seconds since 1970', ms: 'a time in epoch milliseconds', text: 'a date or date-time' } as const;

/**
 * Turns source rows into sample rows by the plan: picks the sample's own columns, converts every
 * field value to its type and reads and checks coordinates. Invalid values go to the issue
 * collector and make the row invalid, so `normalise` returns null for it.
 */
export class RowNormaliser implements CellContext {
  private readonly fields: FieldColumn[];
  private readonly nameColumn: PlannedColumn | undefined;
  private readonly latitudeColumn: PlannedColumn | undefined;
  private readonly longitudeColumn: PlannedColumn | undefined;
  private readonly geometryColumn: PlannedColumn | undefined;
  private readonly timeColumn: PlannedColumn | undefined;
  private readonly elevationColumn: PlannedColumn | undefined;
  private readonly reading: CellReading;
  /** The missing-value codes of the name column, which may keep some as text. */
  private readonly nameMissing: MissingValues;
  /** Transform of coordinate columns and WKT without an SRID to WGS 84; null when they are WGS 84. */
  private readonly transform: PositionTransform | null;
  /** For spreadsheets, the column the import reads at each index, for reporting unreadable cells; null for other formats. */
  private readonly sheetColumns: (PlannedColumn | undefined)[] | null;

  // The cell being converted, for issues and qualified values.
  private position: RowPosition = { line: null, feature: null };
  private column: FieldColumn | PlannedColumn | null = null;
  private qualifiedCells: QualifiedCell[] = [];
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
    this.geometryColumn = columnFor('geometry');
    this.timeColumn = columnFor('collected_at');
    this.elevationColumn = columnFor('elevation');
    this.transform = plan.crs === null || plan.crs === WGS84 ? null : transformFromEpsg(plan.crs);
    this.reading = readingOf(plan, this.transform);
    this.nameMissing = this.nameColumn ? this.missingIn(this.nameColumn) : this.reading.missing;
    const sheet = plan.source.format === 'xlsx' || plan.source.format === 'ods';
    this.sheetColumns = sheet ? readColumnsByIndex(plan) : null;

    this.fields = plan.columns.flatMap((column) => {
      const field = targetField(column.target);
      if (field === null) return [];
      const reading = { ...this.reading, missing: this.missingIn(column), dateOrder: column.dateOrder, excelSerialDates: column.excelSerialDates };
      // WKT is transformed by its converter; GeoJSON features arrive transformed from the row source.
      return [{
        index: column.index,
        header: column.header,
        key: field.key,
        jsonKey: `${JSON.stringify(field.key)}:`,
        convert: converterFor(field.type, reading),
        coordinate: column.target.kind === 'latitude' || column.target.kind === 'longitude',
      }];
    });
  }

  /** Returns the missing-value codes of a column: the import's, less those the column keeps as text. */
  private missingIn(column: PlannedColumn): MissingValues {
    const keptCodes = column.keptCodes;
    if (!keptCodes || keptCodes.length === 0) return this.reading.missing;
    return new MissingValues(this.plan.missingValues.filter((code) => !keptCodes.includes(code)));
  }

  /**
   * Normalises one row. `geometry` is the GeoJSON feature's geometry member, if any. Returns null
   * when the row has an issue.
   */
  normalise(source: ArrayLike<unknown>, position: RowPosition, geometry: unknown = null): SampleRow | null {
    const issuesBefore = this.issues.count;
    this.position = position;
    this.qualifiedCells = [];
    const cells = this.sheetColumns === null ? source : this.readableCells(source);

    const row: SampleRow = {
      name: this.readName(cells),
      longitude: null,
      latitude: null,
      locationText: null,
      elevation: this.readNumber(cells, this.elevationColumn),
      collectedAt: null,
      collectedAtPrecision: null,
      valuesJson: '{}',
      qualified: null,
      locatedByShape: false,
    };
    // Coordinates come before the field values, which skip the fields of invalid coordinates.
    this.invalidCoordinates.length = 0;
    const location = this.plan.location;
    if (location.kind === 'columns') this.readCoordinates(cells, row);
    else if (location.kind === 'geometry' && location.column === null) this.readGeometry(geometry, row);
    else if (location.kind === 'geometry' && this.geometryColumn) this.readGeometryColumn(cells[this.geometryColumn.index], row);
    row.valuesJson = this.readValues(cells);
    this.readTime(cells, row);

    if (this.issues.count > issuesBefore) return null;
    if (this.qualifiedCells.length > 0) row.qualified = this.qualifiedCells;
    if (row.longitude !== null || row.locatedByShape) this.located += 1;
    return row;
  }

  /**
   * Reports the unreadable cells of a sheet row in the columns the import reads, and returns the
   * row with them empty: a copy when there are any, the row itself otherwise. An error whose code
   * is a missing-value code is an empty cell without an issue.
   */
  private readableCells(cells: ArrayLike<unknown>): ArrayLike<unknown> {
    let readable: unknown[] | null = null;
    for (let index = 0; index < cells.length; index += 1) {
      const cell = cells[index];
      if (!(cell instanceof UnreadableCell)) continue;
      readable ??= Array.from(cells);
      readable[index] = undefined;
      const column = this.sheetColumns![index];
      if (column === undefined || (cell.kind === 'error' && this.reading.missing.isMissingText(cell.text))) continue;
      this.column = column;
      this.invalid(cell.text === '' ? null : cell.text, cell.reason);
    }
    this.column = null;
    return readable ?? cells;
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
    this.qualifiedCells.push({ key: field.key, qualifier, value, text });
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
    const name = typeof value === 'string' ? (presentText(value, this.nameMissing) ?? '') : nameText(value);
    if (name.length <= MAX_NAME_LENGTH) return name;

    this.column = this.nameColumn;
    this.invalid(name, `the name is longer than ${MAX_NAME_LENGTH} characters`);
    return '';
  }

  private readNumber(cells: ArrayLike<unknown>, column: PlannedColumn | undefined): number | null {
    if (!column) return null;
    const value = cells[column.index];
    if (typeof value === 'number') return Number.isFinite(value) && !this.reading.missing.isMissingNumber(value) ? value : null;
    if (typeof value !== 'string') return null;

    const text = presentText(value, this.reading.missing);
    if (text === undefined) return null;
    const number = parseNumber(text, this.reading.style);
    if (number !== null) return number;
    this.column = column;
    this.invalid(text, `"${text}" is not a number`);
    return null;
  }

  private readTime(cells: ArrayLike<unknown>, row: SampleRow): void {
    const column = this.timeColumn;
    if (!column || column.target.kind !== 'collected_at') return;
    const value = cells[column.index];
    const epoch = epochUnitOf(column.target);
    let time: ParsedTime | null = null;
    if (typeof value === 'number') {
      if (this.reading.missing.isMissingNumber(value)) return;
      if (column.excelSerialDates) time = excelSerialToTime(value, this.plan.dateSystem);
      else time = epoch === null ? (parseBasicIsoNumber(value) ?? parseEpoch(value, 'ms')) : parseEpoch(value, epoch);
    } else if (typeof value === 'string') {
      const text = presentText(value, this.reading.missing);
      if (text === undefined) return;
      const canonical = epoch === null ? canonicalUtcMs(text) : null;
      if (canonical !== null) {
        row.collectedAt = canonical;
        row.collectedAtPrecision = 'millisecond';
        return;
      }
      const reading = { ...this.reading, dateOrder: column.dateOrder, excelSerialDates: column.excelSerialDates };
      time = epoch !== null ? parseEpoch(wholeNumberOf(text), epoch) : readTimeText(text, reading);
    } else if (value === null || value === undefined) return;

    if (time === null) {
      this.column = column;
      const expected = EXPECTED_TIME[epoch ?? 'text'];
      const unreal = typeof value === 'string' && epoch === null ? unrealDateReason(value.trim(), { ...this.reading, dateOrder: column.dateOrder }) : null;
      this.invalid(value, `${quoted(value)} ${unreal ?? `is not ${expected}`}`);
      return;
    }
    row.collectedAt = time.epochMs;
    row.collectedAtPrecision = time.precision;
  }

  private readCoordinates(cells: ArrayLike<unknown>, row: SampleRow): void {
    const latitudeColumn = this.latitudeColumn!;
    const longitudeColumn = this.longitudeColumn!;
    const projected = this.transform !== null;
    let latitude = this.readCoordinate(cells, latitudeColumn, 'latitude', projected);
    let longitude = this.readCoordinate(cells, longitudeColumn, 'longitude', projected);
    if (latitude === undefined || longitude === undefined) return;
    if (latitude === null && longitude === null) return;

    if (latitude === null || longitude === null) {
      this.column = latitude === null ? latitudeColumn : longitudeColumn;
      this.invalid(null, `the ${latitude === null ? 'latitude' : 'longitude'} is missing while the ${latitude === null ? 'longitude' : 'latitude'} is given`);
      return;
    }
    if (this.transform) {
      [longitude, latitude] = this.transform(longitude, latitude);
      const problem = positionProblem([longitude, latitude]);
      if (problem !== null) {
        this.column = latitudeColumn;
        this.invalid(`${textOf(cells[longitudeColumn.index])} ${textOf(cells[latitudeColumn.index])}`, `the position is outside the area of EPSG:${this.plan.crs}: ${problem}`);
        return;
      }
    }
    row.latitude = latitude;
    row.longitude = longitude;
    row.locationText = `${textOf(cells[latitudeColumn.index])}, ${textOf(cells[longitudeColumn.index])}`;
  }

  /**
   * Reads one coordinate in any notation the analysis accepts. Returns null for a missing value,
   * and undefined after recording an issue for a value that is no coordinate, is out of range, or
   * whose sign disagrees with its hemisphere letter. Projected coordinates are checked after the
   * transform instead.
   */
  private readCoordinate(cells: ArrayLike<unknown>, column: PlannedColumn, axis: Axis, projected: boolean): number | null | undefined {
    const value = cells[column.index];
    if (value === null || value === undefined) return null;

    let written: unknown = value;
    let coordinate: number | null = null;
    if (typeof value === 'number') coordinate = Number.isFinite(value) && !this.reading.missing.isMissingNumber(value) ? value : null;
    else if (typeof value === 'string') {
      const text = presentText(value, this.reading.missing);
      if (text === undefined) return null;
      written = text;
      const parsed = parseCoordinate(text, this.reading.style);
      if (parsed?.conflict) {
        this.invalidCoordinate(column, written, `"${text}" has a minus sign but the hemisphere letter ${parsed.hemisphere} says otherwise`);
        return undefined;
      }
      if (parsed?.hemisphere && axisOfLetter(parsed.hemisphere) !== axis) {
        this.invalidCoordinate(column, written, `"${text}" is marked ${parsed.hemisphere}, which is not a ${axis}`);
        return undefined;
      }
      coordinate = parsed?.degrees ?? null;
    }

    if (coordinate === null) {
      const expected = projected ? `a coordinate in EPSG:${this.plan.crs}` : `a ${axis} in degrees`;
      const problem = typeof written === 'string' ? sexagesimalProblem(written) : null;
      this.invalidCoordinate(column, written, `${quoted(written)} is not ${expected}${problem === null ? '' : `: ${problem}`}`);
      return undefined;
    }
    if (projected) return coordinate;
    if (axis === 'longitude' && this.plan.location.kind === 'columns' && this.plan.location.longitudes360 && coordinate > 180 && coordinate <= 360) {
      coordinate -= 360;
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

  /** Reads a GeoJSON feature's geometry, already in WGS 84, as the location. */
  private readGeometry(geometry: unknown, row: SampleRow): void {
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
    // Other geometries are checked as the value of their geometry field; only the valid ones count.
    const check = checkGeometry(geometry);
    if (check.problem === null && !check.empty) row.locatedByShape = true;
  }

  /** Reads the location from a WKT or GeoJSON-text column; invalid text is reported by the column's field. */
  private readGeometryColumn(value: unknown, row: SampleRow): void {
    if (typeof value !== 'string') return;
    const text = presentText(value, this.reading.missing);
    if (text === undefined) return;
    const parsed = parseWkt(text);
    if (!parsed) return;
    const transform = parsed.srid !== null ? this.reading.transformForSrid(parsed.srid) : this.transform;
    if (parsed.srid !== null && transform === null) return;
    if (transform) transformGeometry(parsed.geometry, transform);
    const check = checkGeometry(parsed.geometry);
    if (check.problem !== null || check.empty) return;
    if (isPointGeometry(parsed.geometry)) {
      row.longitude = parsed.geometry.coordinates[0] as number;
      row.latitude = parsed.geometry.coordinates[1] as number;
    } else row.locatedByShape = true;
  }
}

/** Returns the planned columns by index, leaving out the skipped ones. */
function readColumnsByIndex(plan: ImportPlan): (PlannedColumn | undefined)[] {
  const columns: (PlannedColumn | undefined)[] = [];
  for (const column of plan.columns) if (column.target.kind !== 'skip') columns[column.index] = column;
  return columns;
}

function readingOf(plan: ImportPlan, transform: PositionTransform | null): CellReading {
  return {
    style: plan.style,
    missing: new MissingValues(plan.missingValues),
    dateOrder: 'dmy',
    excelSerialDates: false,
    dateSystem: plan.dateSystem,
    // WKT without an EWKT SRID is in the plan's CRS, like the coordinate columns.
    transform,
    transformForSrid: (srid) => (isKnownCrs(srid) ? transformFromEpsg(srid) : null),
  };
}

function axisOfLetter(letter: string): Axis {
  return letter === 'N' || letter === 'S' ? 'latitude' : 'longitude';
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value.trim() : String(value);
}

/**
 * Returns a name that is not text as text: numbers, booleans and unreadable sheet cells as written, and
 * the objects and arrays a GeoJSON property can hold as JSON, so that none reads "[object Object]".
 */
function nameText(value: unknown): string {
  if (typeof value === 'object' && value !== null && !(value instanceof UnreadableCell)) return JSON.stringify(value);
  return String(value);
}

/**
 * Reads a text of digits alone, with an optional sign, as the column profile counts epoch times,
 * or returns NaN. Number() would also read "0x18BCFE56800", "0b1" and "1.7e9" as whole numbers.
 */
function wholeNumberOf(text: string): number {
  return numberShape(text) === 'int' ? Number(text) : Number.NaN;
}
