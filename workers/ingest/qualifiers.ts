import { numberShape, parseNumber, type DecimalMark, type NumberShape, type NumberStyle } from './numbers.js';

/** A value that a lab reported relative to a limit rather than as a plain number. */
export interface QualifiedValue {
  /** `<` below and `>` above the number; `bdl` below the detection limit with no number given. */
  qualifier: '<' | '>' | 'bdl';
  /** The limit written after `<` or `>`; null for `bdl`. */
  value: number | null;
}

const BELOW_DETECTION_LIMIT = new Set(['bdl', 'b.d.l.', '<dl', '<lod', '<loq', 'below detection limit']);

/**
 * Reads a trimmed text such as "<0.01", "> 10000", "<0,01" (with a decimal comma) or "BDL" as a
 * qualified value, or returns null when the text is not one.
 */
export function parseQualified(trimmed: string, style: NumberStyle | DecimalMark = '.'): QualifiedValue | null {
  if (trimmed.length === 0) return null;
  const first = trimmed.charCodeAt(0);
  const isComparison = first === 60 || first === 62; // '<' or '>'
  if (!isComparison && first !== 98 && first !== 66) return null; // neither 'b' nor 'B'

  if (BELOW_DETECTION_LIMIT.has(trimmed.toLowerCase())) return { qualifier: 'bdl', value: null };
  if (!isComparison) return null;

  const numberStyle = typeof style === 'string' ? { decimal: style, group: '' as const } : style;
  const value = parseNumber(trimmed.slice(1).trimStart(), numberStyle);
  if (value === null) return null;
  return { qualifier: first === 60 ? '<' : '>', value };
}

/**
 * Returns the shape of the number in a qualified text such as "<0,01" or "> 1.000", "bdl" for one
 * without a number such as "BDL", or null when the text is not qualified. The column profile
 * counts these before the file's number style is known, and reads them in that style later.
 */
export function qualifiedShapeOf(trimmed: string): NumberShape | 'bdl' | null {
  if (trimmed.length === 0) return null;
  const first = trimmed.charCodeAt(0);
  const isComparison = first === 60 || first === 62; // '<' or '>'
  if (!isComparison && first !== 98 && first !== 66) return null; // neither 'b' nor 'B'

  if (BELOW_DETECTION_LIMIT.has(trimmed.toLowerCase())) return 'bdl';
  if (!isComparison) return null;
  return numberShape(trimmed.slice(1).trimStart());
}
