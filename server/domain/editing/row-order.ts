import type { Knex } from 'knex';
import { validationError } from '../../http/problem.js';

/**
 * Distance between the ords the identity gives rows added one after another (set by the
 * spaced_row_order migration). A row inserted between two rows takes the ord halfway between
 * theirs, so about 16 rows fit between two neighbours before the rows after them must move.
 */
export const ORD_STEP = 65_536;

/** The maximum number of rows one insert may move to make room. Only a run of that many rows packed one ord apart needs more. */
const MAX_MOVED_ROWS = 10_000;

/** An ord for a new row and the rows that were given higher ords to make room for it, by id. */
export interface OrdPlacement {
  ord: number;
  moved: Record<string, number>;
}

/**
 * Finds an ord for a row placed right after the row with ord `afterOrd`, in a transaction that
 * holds the dataset lock, and moves rows when that needs room. Between two rows it takes the middle of their ords. When their ords
 * are adjacent, it moves the fewest rows that follow to higher ords, each staying below the next
 * row, so every row keeps its place and no row moves down. After the dataset's last row it takes
 * the identity's next value, as an appended row does.
 */
export async function placeAfter(trx: Knex | Knex.Transaction, datasetId: string, afterOrd: number): Promise<OrdPlacement> {
  const following = (await trx('samples')
    .where({ datasetId })
    .where('ord', '>', afterOrd)
    .orderBy('ord')
    .limit(MAX_MOVED_ROWS + 1)
    .select('id', 'ord')) as { id: string; ord: string | number }[];
  const ords = following.map((row) => Number(row.ord));
  if (ords.length === 0) return { ord: (await nextIdentityOrds(trx, 1))[0]!, moved: {} };
  if (ords[0]! - afterOrd >= 2) return { ord: afterOrd + Math.floor((ords[0]! - afterOrd) / 2), moved: {} };

  const spread = spreadBefore(afterOrd, ords);
  if (spread) return { ord: spread.ord, moved: await writeMoves(trx, movedById(following, spread.ords)) };
  if (following.length > MAX_MOVED_ROWS) {
    throw validationError([
      { field: 'afterId', message: `inserting after this row would move more than ${MAX_MOVED_ROWS} rows; insert the row elsewhere` },
    ]);
  }

  // Every row after this one is packed: they move to new identity values, past every ord in use,
  // and the new row takes the first one's old place.
  const fresh = await nextIdentityOrds(trx, ords.length);
  return { ord: ords[0]!, moved: await writeMoves(trx, movedById(following, fresh)) };
}

/**
 * Finds the fewest leading rows of `ords` that can be spread evenly between `afterOrd` and the
 * next row's ord with the new row in front, and returns their new ords, or null when none fit.
 */
function spreadBefore(afterOrd: number, ords: number[]): { ord: number; ords: number[] } | null {
  for (let count = 1; count < ords.length; count += 1) {
    const bound = ords[count]!;
    if (bound - afterOrd <= count + 1) continue;
    const step = Math.floor((bound - afterOrd) / (count + 2));
    return { ord: afterOrd + step, ords: Array.from({ length: count }, (_, index) => afterOrd + (index + 2) * step) };
  }
  return null;
}

function movedById(rows: { id: string }[], ords: number[]): Record<string, number> {
  return Object.fromEntries(ords.map((ord, index) => [rows[index]!.id, ord]));
}

/** Returns which of these ords rows of the dataset already have, as rows an undo puts back may find. */
export async function takenOrds(trx: Knex | Knex.Transaction, datasetId: string, ords: number[]): Promise<Set<number>> {
  if (ords.length === 0) return new Set();
  const rows = (await trx('samples').where({ datasetId }).whereIn('ord', ords).select('ord')) as { ord: string | number }[];
  return new Set(rows.map((row) => Number(row.ord)));
}

/** Writes the new ords of moved rows in one statement. */
async function writeMoves(trx: Knex | Knex.Transaction, moved: Record<string, number>): Promise<Record<string, number>> {
  const entries = Object.entries(moved).map(([id, ord]) => ({ id, ord }));
  if (entries.length === 0) return moved;
  await trx.raw('UPDATE samples AS s SET ord = m.ord FROM jsonb_to_recordset(?::jsonb) AS m(id uuid, ord bigint) WHERE s.id = m.id', [JSON.stringify(entries)]);
  return moved;
}

/** Takes `count` values of the ord identity, in increasing order, each above every ord in use. */
async function nextIdentityOrds(trx: Knex | Knex.Transaction, count: number): Promise<number[]> {
  const result = await trx.raw("SELECT nextval(pg_get_serial_sequence('samples', 'ord')) AS ord FROM generate_series(1, ?) ORDER BY 1", [count]);
  return (result.rows as { ord: string }[]).map((row) => Number(row.ord));
}
