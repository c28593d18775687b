import { fieldKeyFromLabel, uniqueFieldKey } from '../../server/domain/field-keys.js';

/** The reason a column's key was generated rather than derived from its header. */
export type HeaderRename = 'blank' | 'duplicate' | 'too_long';

/** The field a column header describes. */
export interface HeaderField {
  /** The header as written, trimmed and without invisible format characters. */
  header: string;
  /** The header without its unit: "Body Mass" for "Body Mass (g)", cut to MAX_LABEL_LENGTH. */
  label: string;
  /** The unit in trailing brackets: "g" for "Body Mass (g)", "°C" for "Temp [°C]". */
  unit: string | null;
  /** The field key, unique within the file. */
  key: string;
  /** Set when the key is not simply derived from the header. */
  renamed: HeaderRename | null;
}

// A unit in round or square brackets at the end of a header, as spreadsheets commonly write it.
const TRAILING_UNIT = /^(.*?)\s*[([]\s*([^()[\]]{1,40}?)\s*[)\]]$/;
// Zero-width spaces, word joiners, byte order marks, and bidirectional embeddings, overrides and
// isolates. They are invisible, so a header of only these would look blank, and an override shows
// the letters after it reversed. Marks that scripts need (ZWJ, ZWNJ, LRM, RLM) stay.
const INVISIBLE_FORMAT_CHARACTERS = /[\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g;
/** Maximum length of a field label the API accepts. */
export const MAX_LABEL_LENGTH = 300;
const MAX_KEY_LENGTH = 63;

/**
 * Splits a header into label, unit and key, without invisible format characters. An empty header
 * is named after its position (1-based).
 */
export function parseHeader(header: string, position: number): Omit<HeaderField, 'renamed'> & { renamed: 'blank' | 'too_long' | null } {
  const trimmed = header.replace(INVISIBLE_FORMAT_CHARACTERS, '').replace(/\s+/g, ' ').trim();
  if (trimmed === '') {
    const label = `Column ${position}`;
    return { header: trimmed, label, unit: null, key: fieldKeyFromLabel(label), renamed: 'blank' };
  }

  // The lazy label group backtracks over long runs of spaces, so headers far longer than a label
  // may be are not searched for a unit.
  const match = trimmed.length <= MAX_LABEL_LENGTH + 50 ? TRAILING_UNIT.exec(trimmed) : null;
  const label = match?.[1] ? match[1] : trimmed;
  const unit = match?.[1] ? (match[2] ?? null) : null;
  const fullKey = label.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const tooLong = label.length > MAX_LABEL_LENGTH || fullKey.length > MAX_KEY_LENGTH;
  return { header: trimmed, label: label.slice(0, MAX_LABEL_LENGTH), unit, key: fieldKeyFromLabel(label), renamed: tooLong ? 'too_long' : null };
}

/**
 * Parses every header and makes the keys unique within the file: the second "depth" column becomes
 * `depth_2`. Only keys within the file are compared, so a column named like one of the dataset's
 * fields keeps that key and maps onto the field. The header as written is kept for the mapping.
 */
export function parseHeaders(headers: readonly unknown[]): HeaderField[] {
  const usedKeys = new Set<string>();
  return headers.map((header, index) => {
    const parsed = parseHeader(header === null || header === undefined ? '' : String(header), index + 1);
    const key = uniqueFieldKey(parsed.key, usedKeys);
    usedKeys.add(key);
    const renamed = parsed.renamed ?? (key === parsed.key ? null : 'duplicate');
    return { ...parsed, key, renamed };
  });
}
