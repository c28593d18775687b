import type { FieldType } from '../../common/api/fields.js';
import type { ColumnProfile } from './column-profile.js';
import type { DecimalMark } from './numbers.js';

/**
 * Share of a column's values that must fit a type for the column to get it. The rest are reported
 * as invalid values: a column of numbers with a few typos is a numeric column with typos, not text.
 */
export const NEARLY_ALL = 0.9;

/** The type a column gets and how its values are read. */
export interface ColumnTyping {
  type: FieldType;
  decimalMark: DecimalMark;
  /** Present values that do not fit the type; each becomes an issue when the file is loaded. */
  invalid: number;
}

// When two types fit equally many values, the narrower one wins: the first in this list.
const CANDIDATES: readonly FieldType[] = ['integer', 'number', 'boolean', 'date', 'datetime'];

/** Infers a column's type from the profile of all its values. */
export function inferColumnType(profile: ColumnProfile): ColumnTyping {
  const decimalMark = decimalMarkOf(profile);
  if (profile.present === 0 || profile.structured > 0) return { type: 'text', decimalMark, invalid: 0 };

  let best: FieldType = 'text';
  let bestFitting = 0;
  for (const type of CANDIDATES) {
    if (type === 'integer' && profile.integers === 0) continue;
    const fitting = fittingValues(profile, type, decimalMark);
    if (fitting > bestFitting) {
      best = type;
      bestFitting = fitting;
    }
  }

  if (bestFitting < NEARLY_ALL * profile.present) return { type: 'text', decimalMark, invalid: 0 };
  return { type: best, decimalMark, invalid: profile.present - bestFitting };
}

/** Types a column that maps onto an existing field with that field's type, whatever its values are. */
export function typeAsField(profile: ColumnProfile, type: FieldType): ColumnTyping {
  const decimalMark = decimalMarkOf(profile);
  return { type, decimalMark, invalid: profile.present - fittingValues(profile, type, decimalMark) };
}

/**
 * Returns the type an existing field is read with. An integer field whose column has decimals is
 * widened to number, which keeps every integer the field stores valid. Other types are kept, and
 * the values that do not fit them are invalid.
 */
export function widenedFieldType(profile: ColumnProfile, type: FieldType): FieldType {
  if (type !== 'integer') return type;
  const decimalMark = decimalMarkOf(profile);
  return fittingValues(profile, 'number', decimalMark) > fittingValues(profile, 'integer', decimalMark) ? 'number' : 'integer';
}

/**
 * Types a latitude or longitude column. Its values must be plain decimal numbers, so qualified
 * values such as "<5" are invalid here; the range is checked separately.
 */
export function typeAsCoordinate(profile: ColumnProfile): ColumnTyping {
  const decimalMark = decimalMarkOf(profile);
  const numbers = profile.integers + profile.leadingZeros + (decimalMark === ',' ? profile.decimalCommas : profile.decimals);
  return { type: 'number', decimalMark, invalid: profile.present - numbers };
}

/** Counts the present values of a column that fit a type. */
export function fittingValues(profile: ColumnProfile, type: FieldType, decimalMark: DecimalMark): number {
  switch (type) {
    case 'text':
    case 'term':
      return profile.present;
    case 'integer':
      return profile.integers + profile.qualified;
    case 'number':
      return profile.integers + profile.qualified + (decimalMark === ',' ? profile.decimalCommas : profile.decimals);
    case 'boolean':
      return profile.booleans;
    case 'date':
      return profile.dates;
    case 'datetime':
      return profile.dates + profile.datetimes;
    case 'geometry':
      return profile.structured;
  }
}

function decimalMarkOf(profile: ColumnProfile): DecimalMark {
  // "3,5" means 3.5 only in a column that never writes a decimal point.
  return profile.decimalCommas > 0 && profile.decimals === 0 ? ',' : '.';
}
