import type { Field } from '../../../common/api/fields.js';
import type { Sample } from '../../../common/api/samples.js';
import { EDIT_LIMITS } from '../../../common/editing/limits.js';
import type { EditOp } from '../../../common/editing/requests.js';
import { formatBytes, formatCount, plural } from '../format/numbers.js';
import { cellInput } from './cell-input.js';
import type { SampleColumn } from './sample-columns.js';

/**
 * Bytes reserved in an edit request for its members other than the operations. The dataset id,
 * the mutation id, the base seq and the overwrite flag take under 200 bytes as JSON.
 */
const REQUEST_ENVELOPE_BYTES = 1024;

/** A cell of the grid, by row position and column index. */
export interface CellPosition {
  row: number;
  col: number;
}

/** The rows and fields a paste reads, as `LiveDataset` provides them. */
export interface PasteSource {
  fields(): Field[];
  rowAt(index: number): Sample | undefined;
}

/** The edit a pasted block becomes. */
export interface PastePlan {
  /** The operations of each pasted line, in order. A line beyond the last row starts with its insert. */
  rows: EditOp[][];
  /** Problems of the cells that could not be pasted, one per cell. */
  problems: string[];
  /** Pasted lines whose row exists but is not loaded, so nothing was built for them. */
  unloadedRows: number;
}

/**
 * Builds one edit from a pasted block, starting at the selected cell. Rows below the last row
 * are added; latitude and longitude pasted side by side become one location. The caller must
 * load the rows the block covers first, because lines whose row is not loaded are only counted.
 */
export function pasteOps(block: string[][], start: CellPosition, columns: SampleColumn[], source: PasteSource, count: number): PastePlan {
  const plan: PastePlan = { rows: [], problems: [], unloadedRows: 0 };
  const fields = source.fields();
  block.forEach((cells, offset) => {
    const ops: EditOp[] = [];
    const index = start.row + offset;
    let sample = index < count ? source.rowAt(index) : undefined;
    if (!sample && index < count) {
      plan.unloadedRows += 1;
      return;
    }
    if (!sample) {
      const id = crypto.randomUUID();
      ops.push({ type: 'sample.insert', sample: { id, name: '' } });
      sample = { id, location: null } as Sample;
    }

    const texts = new Map<string, string>();
    cells.forEach((text, column) => {
      const target = columns[start.col + column];
      if (target) texts.set(target.id, text);
    });
    if (texts.has('latitude') && texts.has('longitude')) {
      texts.set('latitude', `${texts.get('latitude')!.trim()}, ${texts.get('longitude')!.trim()}`);
      texts.delete('longitude');
    }
    for (const [columnId, text] of texts) {
      const input = cellInput(columnId, sample, text, fields);
      if (input.ok) ops.push(input.op);
      else plan.problems.push(input.problem);
    }
    plan.rows.push(ops);
  });
  return plan;
}

/**
 * Returns how many of the leading pasted lines fit in one edit under `EDIT_LIMITS.maxOps` and
 * `EDIT_LIMITS.maxBytes`, the limits the server enforces.
 */
export function rowsWithinEditLimits(rows: EditOp[][]): number {
  const encoder = new TextEncoder();
  let ops = 0;
  let bytes = REQUEST_ENVELOPE_BYTES;
  for (const [index, row] of rows.entries()) {
    ops += row.length;
    // One byte per operation for the comma between array elements.
    bytes += row.reduce((sum, op) => sum + encoder.encode(JSON.stringify(op)).length + 1, 0);
    if (ops > EDIT_LIMITS.maxOps || bytes > EDIT_LIMITS.maxBytes) return index;
  }
  return rows.length;
}

/** Returns the message for a paste that exceeds the limits of one edit, with the number of lines that fit. */
export function pasteTooLargeMessage(rows: EditOp[][], fittingRows: number): string {
  const ops = rows.reduce((sum, row) => sum + row.length, 0);
  const limits = `${formatCount(EDIT_LIMITS.maxOps)} operations and ${formatBytes(EDIT_LIMITS.maxBytes)}`;
  return (
    `Nothing was pasted because this paste of ${plural(rows.length, 'line')} needs ${plural(ops, 'operation')}, and one edit takes at most ${limits}. ` +
    `Paste at most ${plural(fittingRows, 'line')} at a time.`
  );
}
