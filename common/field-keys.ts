/**
 * Derives a field key from a column label: lowercase ASCII letters, digits and `_`, starting with
 * a letter, at most 63 characters. "Body Mass (g)" becomes `body_mass_g`; "2nd run" `f_2nd_run`.
 */
export function fieldKeyFromLabel(label: string): string {
  const ascii = label.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let key = ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (key === '') key = 'field';
  if (!/^[a-z]/.test(key)) key = `f_${key}`;
  return key.slice(0, 63).replace(/_+$/, '');
}

/** Returns `key`, or `key_2`, `key_3`… when it is already taken. */
export function uniqueFieldKey(key: string, taken: ReadonlySet<string>): string {
  if (!taken.has(key)) return key;
  for (let n = 2; ; n += 1) {
    const suffix = `_${n}`;
    const candidate = `${key.slice(0, 63 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
