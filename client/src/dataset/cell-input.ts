import type { Field } from '../../../common/api/fields.js';
import type { CellValue, Sample } from '../../../common/api/samples.js';
import { normaliseCellValue } from '../../../common/cell-values.js';
import type { EditOp } from '../../../common/editing/requests.js';
import { valueCell, propertyCell } from '../../../common/editing/cells.js';

/** The operation typed text makes in a cell, or why the text does not fit. */
export type CellInput = { ok: true; op: EditOp } | { ok: false; problem: string };

const COORDINATE_PAIR = /^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$/;

/** The cell key (`p:name`, `f:depth_m`) of a grid column, for conflicts, presence and history. */
export function columnCell(columnId: string): string {
  if (columnId.startsWith('field:')) return valueCell(columnId.slice('field:'.length));
  if (columnId === 'latitude' || columnId === 'longitude') return propertyCell('location');
  return propertyCell(columnId as 'name' | 'collectedAt');
}

/** The grid column of a cell key, for showing where a conflict or a colleague is. */
export function cellColumn(cell: string): string | null {
  if (cell.startsWith('f:')) return `field:${cell.slice(2)}`;
  if (cell === 'p:location') return 'latitude';
  if (cell === 'p:name' || cell === 'p:collectedAt') return cell.slice(2);
  return null;
}

/**
 * Names a cell key for people by its column's label; a location is one cell for both coordinates.
 * A column gone from the grid, such as a field someone removed meanwhile, is named by its label in
 * `labelsByColumn`, or else by its key without the `f:` or `p:` prefix.
 */
export function cellLabel(cell: string, columns: readonly { id: string; label: string }[], labelsByColumn?: ReadonlyMap<string, string>): string {
  if (cell === 'p:location') return 'Location';
  const column = cellColumn(cell);
  const label = columns.find((candidate) => candidate.id === column)?.label ?? (column === null ? undefined : labelsByColumn?.get(column));
  return label ?? cell.replace(/^[fp]:/, '');
}

/**
 * Turns what a person typed into a cell into an edit operation, checking it as the server will.
 * Numbers are checked against the field's type and unit ("12.5 mg/L" in a mg/L field). Coordinates
 * are decimal degrees, and both may be typed together as "46.5, 8.1". Times are dates or date-times.
 */
export function cellInput(columnId: string, sample: Sample, text: string, fields: readonly Field[]): CellInput {
  const trimmed = text.trim();
  if (columnId === 'name') return { ok: true, op: { type: 'sample.set', sampleId: sample.id, property: 'name', value: trimmed } };
  if (columnId === 'latitude' || columnId === 'longitude') return coordinateInput(columnId, sample, trimmed);
  if (columnId === 'collectedAt') return timeInput(sample, trimmed);

  const key = columnId.slice('field:'.length);
  const field = fields.find((candidate) => candidate.key === key);
  if (!field) return { ok: false, problem: `The field "${key}" no longer exists.` };
  const value = fieldValue(field, trimmed);
  if (!value.ok) return value;
  const normalised = normaliseCellValue(field, value.value);
  if (!normalised.ok) return { ok: false, problem: `${field.label}: ${normalised.problem}.` };
  return { ok: true, op: { type: 'cell.set', sampleId: sample.id, key, value: normalised.value } };
}

function fieldValue(field: Field, text: string): { ok: true; value: CellValue } | { ok: false; problem: string } {
  if (text === '') return { ok: true, value: null };
  switch (field.type) {
    case 'boolean': {
      const word = text.toLowerCase();
      if (['true', 'yes', '1'].includes(word)) return { ok: true, value: true };
      if (['false', 'no', '0'].includes(word)) return { ok: true, value: false };
      return { ok: false, problem: `${field.label}: expected true or false.` };
    }
    case 'geometry':
      try {
        return { ok: true, value: JSON.parse(text) as CellValue };
      } catch {
        return { ok: false, problem: `${field.label}: expected a GeoJSON geometry, e.g. {"type":"Point","coordinates":[8.1,46.5]}.` };
      }
    default:
      return { ok: true, value: text };
  }
}

function coordinateInput(columnId: 'latitude' | 'longitude', sample: Sample, text: string): CellInput {
  if (text === '') return { ok: true, op: { type: 'sample.set', sampleId: sample.id, property: 'location', value: null } };
  const pair = COORDINATE_PAIR.exec(text);
  let lat: number;
  let lon: number;
  if (pair) {
    lat = Number(pair[1]);
    lon = Number(pair[2]);
  } else {
    const value = Number(text);
    if (!Number.isFinite(value)) return { ok: false, problem: `Expected a ${columnId} in decimal degrees, e.g. 46.52.` };
    if (!sample.location) return { ok: false, problem: 'This sample has no location yet: type latitude and longitude together, e.g. "46.52, 8.11".' };
    [lon, lat] = sample.location.coordinates;
    if (columnId === 'latitude') lat = value;
    else lon = value;
  }
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return { ok: false, problem: 'Latitude must be within ±90° and longitude within ±180°.' };
  return { ok: true, op: { type: 'sample.set', sampleId: sample.id, property: 'location', value: { type: 'Point', coordinates: [lon, lat] } } };
}

function timeInput(sample: Sample, text: string): CellInput {
  if (text === '') return { ok: true, op: { type: 'sample.set', sampleId: sample.id, property: 'collectedAt', value: null } };
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return { ok: false, problem: 'Expected a date (2024-05-01) or a date and time with a time zone (2024-05-01T12:00:00Z).' };
  return { ok: true, op: { type: 'sample.set', sampleId: sample.id, property: 'collectedAt', value: new Date(time).toISOString() } };
}

/** Returns the text an editor starts with for a cell: the value as typed, not as formatted for reading. */
export function editableText(columnId: string, sample: Sample, displayedText: string): string {
  if (columnId === 'collectedAt') return sample.collectedAt ?? '';
  if (columnId === 'latitude') return sample.location ? String(sample.location.coordinates[1]) : '';
  if (columnId === 'longitude') return sample.location ? String(sample.location.coordinates[0]) : '';
  return displayedText;
}

/**
 * Splits text copied from a spreadsheet (tab-separated lines, the format Excel, LibreOffice and
 * Google Sheets put on the clipboard) into rows of cells. Quoted cells may contain tabs and newlines.
 */
export function parseClipboardTable(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
      continue;
    }
    if (char === '"' && cell === '') quoted = true;
    else if (char === '\t') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
