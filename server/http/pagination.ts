import { HttpError } from './http-error.js';

/** Encodes a keyset position as an opaque cursor string. */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

type CursorKind = 'uuid' | 'number';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fitsKind(value: unknown, kind: CursorKind): boolean {
  if (kind === 'uuid') return typeof value === 'string' && UUID.test(value);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Decodes a cursor made by encodeCursor and checks its shape against `kinds` (a row id or a
 * non-negative row number), so a tampered cursor raises 400 rather than reaching the database.
 */
export function decodeCursor<const K extends readonly CursorKind[]>(
  cursor: string,
  kinds: K,
): { [I in keyof K]: K[I] extends 'number' ? number : string } {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const valid =
    Array.isArray(position) &&
    position.length === kinds.length &&
    position.every((value, index) => fitsKind(value, kinds[index]!));
  if (!valid) throw invalidCursor();
  return position as { [I in keyof K]: K[I] extends 'number' ? number : string };
}

function invalidCursor(): HttpError {
  return new HttpError('validation_failed', 'Invalid cursor; pass the nextCursor of a previous page unchanged.', [
    { field: 'query.cursor', message: 'not a cursor this API made' },
  ]);
}

/** Splits the `limit + 1` rows fetched for a page into the page and the next cursor. */
export function toPage<T, R>(rows: T[], limit: number, position: (last: T) => (string | number)[], map: (row: T) => R) {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(map),
    nextCursor: hasMore && last !== undefined ? encodeCursor(position(last)) : null,
  };
}
