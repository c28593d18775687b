import { fieldKeyFromLabel, uniqueFieldKey } from '../../server/domain/field-keys.js';

/** What a column header says about the field it becomes. */
export interface HeaderField {
  /** The header as written, trimmed. */
  header: string;
  /** The header without its unit: "Body Mass" for "Body Mass (g)". */
  label: string;
  /** The unit in trailing brackets: "g" for "Body Mass (g)", "°C" for "Temp [°C]". */
  unit: string | null;
  /** The field key derived from the label, before deduplication. */
  key: string;
}

// A unit in round or square brackets at the end of a header, as spreadsheets commonly write it.
const TRAILING_UNIT = /^(.*?)\s*[([]\s*([^()[\]]{1,40}?)\s*[)\]]$/;
const MAX_LABEL_LENGTH = 300;

/** Splits a header into label, unit and key. An empty header is named after its position (1-based). */
export function parseHeader(header: string, position: number): HeaderField {
  const trimmed = header.trim();
  if (trimmed === '') {
    const label = `Column ${position}`;
    return { header: trimmed, label, unit: null, key: fieldKeyFromLabel(label) };
  }

  // The lazy label group backtracks over long runs of spaces, so headers far longer than a label
  // may be are not searched for a unit.
  const match = trimmed.length <= MAX_LABEL_LENGTH + 50 ? TRAILING_UNIT.exec(trimmed) : null;
  const label = match?.[1] ? match[1] : trimmed;
  const unit = match?.[1] ? (match[2] ?? null) : null;
  return { header: trimmed, label: label.slice(0, MAX_LABEL_LENGTH), unit, key: fieldKeyFromLabel(label) };
}

/**
 * Parses every header and makes the keys unique within the file: the second "depth" column becomes
 * `depth_2`. Only keys within the file are compared, so a column named like one of the dataset's
 * fields keeps that key and maps onto the field.
 */
export function parseHeaders(headers: readonly string[]): HeaderField[] {
  const taken = new Set<string>();
  return headers.map((header, index) => {
    const parsed = parseHeader(header, index + 1);
    const key = uniqueFieldKey(parsed.key, taken);
    taken.add(key);
    return { ...parsed, key };
  });
}
