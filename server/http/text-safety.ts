import type { FieldIssue } from '../../common/errors.js';

/** Deepest nesting of arrays and objects accepted in a request body. */
export const MAX_BODY_DEPTH = 64;

// PostgreSQL text and jsonb cannot store U+0000, and a lone UTF-16 surrogate is no character
// at all, so both are rejected here with the path of the value instead of failing in the database.
const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Returns the first problem with the strings or the nesting of a parsed JSON value, or null. */
export function findUnstorableText(value: unknown, location: string): FieldIssue | null {
  return walk(value, location, 0);
}

function walk(value: unknown, path: string, depth: number): FieldIssue | null {
  if (typeof value === 'string') return textIssue(value, path);
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_BODY_DEPTH) {
    return { field: path, message: `nested more than ${MAX_BODY_DEPTH} levels deep` };
  }

  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    const keyIssue = textIssue(key, `${path}.${key}`);
    if (keyIssue) return keyIssue;
    const issue = walk(item, `${path}.${key}`, depth + 1);
    if (issue) return issue;
  }
  return null;
}

function textIssue(text: string, path: string): FieldIssue | null {
  if (text.includes(NUL)) return { field: path, message: 'contains a NUL character (U+0000), which cannot be stored' };
  if (LONE_SURROGATE.test(text)) return { field: path, message: 'contains an unpaired UTF-16 surrogate, which is not valid text' };
  return null;
}
