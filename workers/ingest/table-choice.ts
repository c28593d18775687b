import type { ImportArchiveEntry, ImportMapping } from '../../common/api/imports.js';
import type { AnalysisOutcome } from './import-record.js';

const LISTED_TABLES = 5;

/**
 * Builds the review state of a ZIP archive with several tables and no choice among them: a
 * mapping that lists the tables and has no columns yet, and one issue that requests the uploader
 * to choose. Nothing can be loaded until a table is chosen and analysed.
 */
export function tableChoiceOutcome(tables: ImportArchiveEntry[], notes: string[]): AnalysisOutcome {
  const listed = tables.slice(0, LISTED_TABLES).map((table) => `"${table.path}"`);
  const names = `${listed.join(', ')}${tables.length > LISTED_TABLES ? ', …' : ''}`;
  const request = `The ZIP archive contains ${tables.length} tables (${names}); choose the one to import.`;
  const mapping: ImportMapping = {
    format: null,
    container: 'zip',
    entry: null,
    entries: tables,
    encoding: null,
    delimiter: null,
    decimalMark: '.',
    thousandsSeparator: '',
    headerRow: null,
    sheet: null,
    sheets: [],
    dateSystem: '1900',
    crs: null,
    missingValues: [],
    rows: 0,
    location: { kind: 'none', latitude: null, longitude: null, swapped: false, longitudes360: false },
    columns: [],
    notes: [request, ...notes],
  };
  return { plan: null, mapping, issues: [{ line: null, column: null, value: null, reason: request }], issueCount: 1, rejectedRows: 0, reportKey: null };
}
