import type { FieldIssue } from '../../../common/errors.js';
import { validationError } from '../../http/problem.js';
import type { InternalOp } from './internal-ops.js';

const UNIQUE_VIOLATION = '23505';

/** The parts of a PostgreSQL error (from pg, or wrapped by knex or Objection) that name a broken unique index. */
interface UniqueViolation {
  code?: string;
  constraint?: string;
  detail?: string;
}

/**
 * Runs an edit and turns the unique violations the session cannot see beforehand into validation
 * errors. A new row's id may belong to a row of another dataset, which the edit does not read, and
 * an IGSN may be taken by any sample of the portal, or by another row of the same edit. Without
 * this the user got "an unexpected error" for a value they can correct. `ops` are the request's
 * operations, used to name the one that failed, or null for an undo or redo.
 */
export async function rejectingDuplicateValues<T>(ops: readonly InternalOp[] | null, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const issue = duplicateValueIssue(error, ops);
    if (issue) throw validationError([issue]);
    throw error;
  }
}

function duplicateValueIssue(error: unknown, ops: readonly InternalOp[] | null): FieldIssue | null {
  const violation = uniqueViolationOf(error);
  if (!violation) return null;
  // PostgreSQL names the duplicate in the detail: "Key (id)=(…) already exists." or, for the IGSN's index, "Key (upper(igsn))=(…) …".
  const value = /^Key \(.*?\)=\((.*)\) already exists\.$/.exec(violation.detail ?? '')?.[1] ?? null;

  if (violation.constraint === 'samples_pkey') {
    const index = ops?.findIndex((op) => op.type === 'sample.insert' && op.sample.id === value) ?? -1;
    return { field: index >= 0 ? `ops.${index}.sample.id` : 'ops', message: 'a sample with this id exists or existed; make a new id' };
  }
  if (violation.constraint === 'samples_igsn_unique') {
    const index = ops?.findLastIndex((op) => igsnOf(op)?.trim().toUpperCase() === value) ?? -1;
    const named = index >= 0 ? `the IGSN ${JSON.stringify(igsnOf(ops![index]!)!.trim())}` : 'an IGSN this change sets';
    return {
      field: index >= 0 ? `ops.${index}.${ops![index]!.type === 'sample.insert' ? 'sample.igsn' : 'value'}` : 'ops',
      message: `another sample already has ${named}, and an IGSN names exactly one sample; give this sample its own IGSN or none`,
    };
  }
  return null;
}

function uniqueViolationOf(error: unknown): UniqueViolation | null {
  if (typeof error !== 'object' || error === null) return null;
  const native = (error as { nativeError?: UniqueViolation }).nativeError ?? (error as UniqueViolation);
  return native.code === UNIQUE_VIOLATION ? native : null;
}

function igsnOf(op: InternalOp): string | undefined {
  let igsn: unknown;
  if (op.type === 'sample.set' && op.property === 'igsn') igsn = op.value;
  else if (op.type === 'sample.insert') igsn = op.sample.igsn;
  return typeof igsn === 'string' ? igsn : undefined;
}
