import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';

/** Who made a change: a user, or an import job (with the user who started it). */
export const changeAuthor = z
  .union([
    z.object({ type: z.literal('user'), id: z.string(), displayName: z.string() }),
    z.object({ type: z.literal('import'), id: uuid, userId: uuid.nullable() }),
  ])
  .meta({ id: 'ChangeAuthor' });

/** One change of a cell, or of its row's existence (`cell` is `row`). */
export const cellHistoryEntry = z
  .object({
    seq: z.number().int().meta({ description: 'The change-log entry that made this change.' }),
    kind: z.enum(['edit', 'undo', 'redo', 'import']),
    cell: z.string().meta({ description: '`p:<property>` or `f:<field key>`, or `row` when the row was added or deleted.' }),
    author: changeAuthor,
    changedAt: isoDateTime,
    oldValue: z.unknown(),
    newValue: z.unknown(),
  })
  .meta({ id: 'CellHistoryEntry' });
export type CellHistoryEntry = z.infer<typeof cellHistoryEntry>;

export const cellHistoryQuery = z.object({
  cell: z
    .string()
    .regex(/^(p:[a-zA-Z]+|f:[a-z][a-z0-9_]{0,62})$/, 'expected p:<property> or f:<field key>')
    .optional()
    .meta({ description: 'The cell, e.g. `f:depth_m` or `p:name`; omit it for every cell of the row.' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Ids of rows to read again, e.g. the rows a grid shows after it missed too many changes. */
export const sampleLookup = z
  .object({ ids: z.array(uuid).min(1).max(1000) })
  .meta({ id: 'SampleLookup' });
