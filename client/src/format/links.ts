/**
 * Returns the URL when it is an absolute http or https URL, else null, so a stored value such
 * as `javascript:…` never becomes a link.
 */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Returns the SPDX page of a single license id such as `CC-BY-4.0`; expressions and `LicenseRef-` ids have none. */
export function spdxLicenseUrl(license: string | null): string | null {
  if (!license || license.startsWith('LicenseRef-') || !/^[A-Za-z0-9.+-]+$/.test(license)) return null;
  return `https://spdx.org/licenses/${license}.html`;
}

/** Returns the resolver URL of a DOI name: `10.5281/zenodo.1` → `https://doi.org/10.5281/zenodo.1`. */
export function doiUrl(doi: string): string {
  return `https://doi.org/${doi.split('/').map(encodeURIComponent).join('/')}`;
}

/** A run of text, with the URL to link it to when the run is an http or https address. */
export interface TextPart {
  text: string;
  url: string | null;
}

const ADDRESS = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

/** Splits text into plain runs and http(s) addresses; only addresses safeHttpUrl accepts become links. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start), url: null });
    parts.push({ text: match[0], url: safeHttpUrl(match[0]) });
    last = start + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), url: null });
  return parts;
}
