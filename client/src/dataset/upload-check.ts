import { formatBytes } from '../format/numbers.js';

/** The file name extensions the server loads, as the file input's `accept` attribute lists them. */
export const ACCEPTED_EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx', '.ods', '.geojson', '.json', '.zip'] as const;

/**
 * Checks a chosen file before any byte is sent, with the same rules the server applies, and
 * returns what is wrong in words, or null when the file may be uploaded.
 */
export function checkUploadFile(file: { name: string; size: number }, maxBytes: number | undefined): string | null {
  const dot = file.name.lastIndexOf('.');
  const extension = dot < 0 ? '' : file.name.slice(dot).toLowerCase();
  if (!(ACCEPTED_EXTENSIONS as readonly string[]).includes(extension)) {
    return `"${file.name}" is not a file Fairport can load. Choose a CSV or TSV file (.csv, .tsv, .txt), an Excel or OpenDocument spreadsheet (.xlsx, .ods), a GeoJSON file (.geojson, .json), or a ZIP archive of these.`;
  }
  if (file.size === 0) return `"${file.name}" is empty. Choose a file with a header row and data.`;
  if (maxBytes !== undefined && file.size > maxBytes) {
    return `"${file.name}" is ${formatBytes(file.size)}, more than the upload limit of ${formatBytes(maxBytes)}. Split it into smaller files.`;
  }
  return null;
}
