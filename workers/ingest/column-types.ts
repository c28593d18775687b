import type { FieldType } from '../../common/api/fields.js';
import type { DateOrder } from '../../common/api/imports.js';
import type { ColumnProfile, SeparatedDateCounts } from './column-profile.js';
import type { DateSystem } from './dates.js';
import { NUMBER_SHAPES, shapeMeaning, type NumberStyle } from './numbers.js';

/**
 * Share of a column's values that must fit a type for the column to get it. The rest are reported
 * as invalid values: a column of numbers with a few typos is a numeric column with typos, not text.
 */
export const NEARLY_ALL = 0.9;

/** The type a column gets and how its values are read. */
export interface ColumnTyping {
  type: FieldType;
  /** Present values that do not fit the type; each becomes an issue when the file is loaded. */
  invalid: number;
  /** Order of day and month for dates written with separators. */
  dateOrder: DateOrder;
  /** True when no value shows whether the day or the month comes first. */
  dateOrderAmbiguous: boolean;
}

// When two types fit equally many values, the narrower one wins: the first in this list.
const CANDIDATES: readonly FieldType[] = ['integer', 'number', 'boolean', 'date', 'datetime', 'geometry'];

/** Infers a column's type from the profile of all its values, reading numbers in the file's style. */
export function inferColumnType(profile: ColumnProfile, style: NumberStyle): ColumnTyping {
  const { dateOrder, dateOrderAmbiguous } = dateOrderOf(profile);
  const base = { dateOrder, dateOrderAmbiguous };
  if (profile.present === 0 || (profile.structured > 0 && profile.structured < profile.present)) return { type: 'text', invalid: 0, ...base };

  let best: FieldType = 'text';
  let bestFitting = 0;
  for (const type of CANDIDATES) {
    const fitting = fittingValues(profile, type, style, dateOrder);
    if (type === 'integer' && fitting === profile.qualifiedIn(style)) continue;
    if (fitting > bestFitting) {
      best = type;
      bestFitting = fitting;
    }
  }

  if (bestFitting < NEARLY_ALL * profile.present) return { type: 'text', invalid: 0, ...base };
  return { type: best, invalid: profile.present - bestFitting, ...base };
}

/** Types a column with a given type (an existing field's, or the uploader's choice), whatever its values are. */
export function typeAs(profile: ColumnProfile, type: FieldType, style: NumberStyle, dateOrder?: DateOrder): ColumnTyping {
  const detected = dateOrderOf(profile);
  const order = dateOrder ?? detected.dateOrder;
  return {
    type,
    invalid: profile.present - fittingValues(profile, type, style, order),
    dateOrder: order,
    dateOrderAmbiguous: dateOrder === undefined && detected.dateOrderAmbiguous,
  };
}

/** Types a column of Excel serial day numbers as dates, or as date-times when some have a time of day. */
export function typeAsExcelSerial(profile: ColumnProfile, style: NumberStyle, system: DateSystem): ColumnTyping {
  const numbers = numericValues(profile, style, false);
  const serials = profile.excelSerials - (system === '1900' ? profile.excelLeapDays : profile.excelSerialsPast1904);
  const type: FieldType = profile.shapes.dot + profile.shapes.comma > 0 ? 'datetime' : 'date';
  return { type, invalid: profile.present - Math.min(numbers, serials), dateOrder: 'dmy', dateOrderAmbiguous: false };
}

/**
 * Returns the type an existing field is read with. An integer field whose column has decimals is
 * widened to number, which keeps every integer the field stores valid. Other types are kept, and
 * the values that do not fit them are invalid.
 */
export function widenedFieldType(profile: ColumnProfile, type: FieldType, style: NumberStyle): FieldType {
  if (type !== 'integer') return type;
  const { dateOrder } = dateOrderOf(profile);
  return fittingValues(profile, 'number', style, dateOrder) > fittingValues(profile, 'integer', style, dateOrder) ? 'number' : 'integer';
}

/**
 * Counts the present values of a latitude or longitude column that are not coordinates. Plain
 * numbers, numbers with leading zeros, and degrees with minutes, seconds or hemisphere letters
 * are coordinates; the range is checked separately.
 */
export function invalidCoordinates(profile: ColumnProfile, style: NumberStyle): number {
  return profile.present - numericValues(profile, style, false) - profile.shapes.lz - profile.sexagesimal;
}

/** Counts the present values of a column that fit a type. */
export function fittingValues(profile: ColumnProfile, type: FieldType, style: NumberStyle, dateOrder: DateOrder): number {
  switch (type) {
    case 'text':
    case 'term':
      return profile.present;
    case 'integer':
      return numericValues(profile, style, true) + profile.qualifiedIn(style);
    case 'number':
      return numericValues(profile, style, false) + profile.qualifiedIn(style);
    case 'boolean':
      return profile.booleans;
    case 'date':
      return profile.isoDates + profile.basicDates + separatedFitting(profile.separatedDates, dateOrder);
    case 'datetime':
      return (
        profile.isoDates +
        profile.isoDateTimes +
        profile.basicDates +
        profile.basicDateTimes +
        separatedFitting(profile.separatedDates, dateOrder) +
        separatedFitting(profile.separatedDateTimes, dateOrder)
      );
    case 'geometry':
      return profile.geometries + profile.wkt;
  }
}

/** Decides a column's day-month order from the dates that allow only one of them. */
export function dateOrderOf(profile: ColumnProfile): { dateOrder: DateOrder; dateOrderAmbiguous: boolean } {
  const dayFirst = profile.separatedDates.dayFirst + profile.separatedDateTimes.dayFirst;
  const monthFirst = profile.separatedDates.monthFirst + profile.separatedDateTimes.monthFirst;
  const either = profile.separatedDates.either + profile.separatedDateTimes.either;
  if (monthFirst > dayFirst) return { dateOrder: 'mdy', dateOrderAmbiguous: false };
  const yearFirst = profile.separatedDates.yearFirst + profile.separatedDateTimes.yearFirst;
  if (dayFirst === 0 && either === 0 && yearFirst > 0) return { dateOrder: 'ymd', dateOrderAmbiguous: false };
  return { dateOrder: 'dmy', dateOrderAmbiguous: dayFirst === 0 && either > 0 };
}

function separatedFitting(counts: SeparatedDateCounts, order: DateOrder): number {
  if (order === 'ymd') return counts.yearFirst;
  return counts.yearFirst + counts.either + (order === 'mdy' ? counts.monthFirst : counts.dayFirst);
}

function numericValues(profile: ColumnProfile, style: NumberStyle, integersOnly: boolean): number {
  let count = 0;
  for (const shape of NUMBER_SHAPES) {
    const meaning = shapeMeaning(shape, style);
    if (meaning === 'integer' || (meaning === 'decimal' && !integersOnly)) count += profile.shapes[shape];
  }
  return count;
}
