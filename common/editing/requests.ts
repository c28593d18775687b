import { z } from 'zod';
import { uuid } from '../api/common.js';
import { FIELD_TYPES, fieldCreate, fieldKey } from '../api/fields.js';
import { cellValue } from '../api/samples.js';
import { EDITABLE_PROPERTIES } from './cells.js';
import { EDIT_LIMITS } from './limits.js';

/**
 * The payloads of the live-editing Socket.IO events, validated by the server with these schemas
 * and typed for the client from them.
 */

/** A client-made id of one edit; a retry with the same id is applied once. */
export const mutationId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8 to 64 letters, digits, "-" or "_", e.g. a UUID');

/** A new row's properties and values; the client makes its id so it can address the row at once. */
export const sampleInsertInput = z.object({
  id: uuid,
  name: z.string().max(500).optional(),
  igsn: z.string().nullable().optional(),
  material: z.string().nullable().optional(),
  location: z.unknown().optional(),
  locationText: z.string().nullable().optional(),
  elevation: z.number().nullable().optional(),
  collectedAt: z.string().nullable().optional(),
  collectedAtPrecision: z.string().nullable().optional(),
  values: z.record(z.string(), cellValue).optional(),
});
export type SampleInsertInput = z.infer<typeof sampleInsertInput>;

/** A new field; the client makes its id. The key is derived from the label when omitted. */
export const fieldInsertInput = fieldCreate.extend({ id: uuid });
export type FieldInsertInput = z.input<typeof fieldInsertInput>;

/** One operation of an edit, as a client sends it. */
export const editOp = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cell.set'), sampleId: uuid, key: fieldKey, value: cellValue }),
  z.object({ type: z.literal('sample.set'), sampleId: uuid, property: z.enum(EDITABLE_PROPERTIES), value: z.unknown() }),
  z.object({
    type: z.literal('sample.insert'),
    sample: sampleInsertInput,
    /** The row the new row goes right after; without it the new row goes after the last row. */
    afterId: uuid.optional(),
  }),
  z.object({ type: z.literal('sample.delete'), sampleId: uuid }),
  z.object({ type: z.literal('field.insert'), field: fieldInsertInput }),
  z.object({
    type: z.literal('field.update'),
    fieldId: uuid,
    changes: z
      .object({
        label: z.string().trim().min(1).max(300),
        unit: z.string().trim().max(100).nullable(),
        description: z.string().max(5000),
      })
      .partial()
      .refine((changes) => Object.keys(changes).length > 0, 'name at least one of label, unit, description'),
  }),
  z.object({ type: z.literal('field.retype'), fieldId: uuid, fieldType: z.enum(FIELD_TYPES) }),
  z.object({ type: z.literal('field.delete'), fieldId: uuid }),
]);
/** An operation as a client writes it; `ParsedEditOp` has the defaults the server fills in. */
export type EditOp = z.input<typeof editOp>;
export type ParsedEditOp = z.output<typeof editOp>;

/** The id a client (a browser tab) makes for itself when it starts. */
export const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8 to 64 letters, digits, "-" or "_"');

/** `dataset:edit`: operations made against the client's last known seq. */
export const editRequest = z.object({
  datasetId: uuid,
  mutationId,
  /** Changes this client made itself never conflict with its later edits, which were made on top of them. */
  clientId: clientId.optional(),
  baseSeq: z.number().int().min(0),
  ops: z.array(editOp).min(1).max(EDIT_LIMITS.maxOps),
  /** Apply even where someone else changed a cell since baseSeq: the user chose "keep mine". */
  overwrite: z.boolean().optional(),
});
export type EditRequest = z.input<typeof editRequest>;
export type ParsedEditRequest = z.output<typeof editRequest>;

/** `dataset:sync`: the changes after a seq the client has applied. */
export const syncRequest = z.object({ datasetId: uuid, afterSeq: z.number().int().min(0) });
export type SyncRequest = z.infer<typeof syncRequest>;

/** `dataset:undo` and `dataset:redo`; `overwrite` confirms undoing over someone else's later change. */
export const undoRequest = z.object({ datasetId: uuid, mutationId, overwrite: z.boolean().optional() });
export type UndoRequest = z.infer<typeof undoRequest>;

/** What a person is looking at: a cell (a row and a column id) or a map point, and whether they are typing in it. */
export const presenceFocus = z.object({
  sampleId: uuid.nullable(),
  column: z.string().max(80).nullable(),
  editing: z.boolean(),
});
export type PresenceFocus = z.infer<typeof presenceFocus>;

/** `presence:update`: the sender's focus, or null when nothing is focused. */
export const presenceUpdate = z.object({ datasetId: uuid, focus: presenceFocus.nullable() });
export type PresenceUpdate = z.infer<typeof presenceUpdate>;
