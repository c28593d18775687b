import type { ColumnTarget as ColumnTargetName, ImportColumn, ImportMapping } from '../../common/api/imports.js';
import { targetField, type ImportPlan, type PlannedColumn } from './import-plan.js';

/**
 * Describes how the file was read and where each column goes, as the uploader reviews it and as
 * `imports.mapping` stores it: the proposal before the load, the record of it after.
 */
export function summariseMapping(plan: ImportPlan): ImportMapping {
  const location = plan.location;
  return {
    format: plan.source.format,
    container: plan.source.container,
    entry: plan.source.entry,
    // Plans stored before archives listed their tables have none.
    entries: plan.source.tables ?? [],
    encoding: plan.source.encoding,
    delimiter: plan.source.delimiter,
    decimalMark: plan.style.decimal,
    thousandsSeparator: plan.style.group,
    headerRow: plan.headerRow,
    sheet: plan.source.sheet,
    sheets: plan.source.sheets,
    dateSystem: plan.dateSystem,
    crs: plan.crs,
    missingValues: plan.missingValues.filter((code) => code !== ''),
    rows: plan.rowsTotal,
    location: {
      kind: location.kind,
      latitude: location.kind === 'columns' ? plan.columns[location.latitude]!.header : null,
      longitude: location.kind === 'columns' ? plan.columns[location.longitude]!.header : null,
      swapped: location.kind === 'columns' && location.swapped,
      longitudes360: location.kind === 'columns' && location.longitudes360,
    },
    columns: plan.columns.map(summariseColumn),
    notes: plan.notes,
  };
}

function summariseColumn(column: PlannedColumn): ImportColumn {
  const field = targetField(column.target);
  return {
    index: column.index,
    header: column.header,
    key: column.key,
    label: column.label,
    renamed: column.renamed,
    target: column.target.kind as ColumnTargetName,
    type: field?.type ?? sampleColumnType(column),
    unit: field?.unit ?? null,
    existingField: field?.existing ?? false,
    // A date column whose dates read one way only (ISO dates, say) has no order to choose.
    dateOrder: isDateColumn(column) && column.dateOrderMatters ? column.dateOrder : null,
    dateOrderAmbiguous: isDateColumn(column) && column.dateOrderMatters && column.dateOrderAmbiguous,
    excelSerialDates: column.excelSerialDates,
    coordinateNotation: column.coordinateNotation,
    examples: column.examples,
    present: column.stats.present,
    missing: column.stats.missing,
    invalid: column.stats.invalid,
    qualified: column.stats.qualified,
    ...(column.qualifiedExample ? { qualifiedExample: column.qualifiedExample } : {}),
    notes: column.notes,
  };
}

function sampleColumnType(column: PlannedColumn): ImportColumn['type'] {
  switch (column.target.kind) {
    case 'latitude':
    case 'longitude':
    case 'elevation':
      return 'number';
    case 'collected_at':
      return 'datetime';
    case 'geometry':
      return 'geometry';
    default:
      return 'text';
  }
}

function isDateColumn(column: PlannedColumn): boolean {
  if (column.target.kind === 'collected_at') return true;
  const field = targetField(column.target);
  return field !== null && (field.type === 'date' || field.type === 'datetime');
}
