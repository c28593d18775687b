import { targetField, type ImportPlan, type PlannedColumn } from './import-plan.js';

/**
 * Describes how the file was read and where each column went, as stored in `imports.mapping`,
 * so people (and a later review step) can see the mapping behind the import.
 */
export function summariseMapping(plan: ImportPlan): Record<string, unknown> {
  return {
    format: plan.format,
    encoding: plan.encoding,
    delimiter: plan.delimiter,
    location: summariseLocation(plan),
    rows: plan.rowsTotal,
    columns: plan.columns.map(summariseColumn),
  };
}

// Names the columns by their headers as written, like the column entries and the issues do.
function summariseLocation(plan: ImportPlan): Record<string, unknown> {
  const location = plan.location;
  if (location.kind !== 'columns') return { kind: location.kind };
  return {
    kind: 'columns',
    latitude: plan.columns[location.latitude]!.header,
    longitude: plan.columns[location.longitude]!.header,
  };
}

function summariseColumn(column: PlannedColumn): Record<string, unknown> {
  const target = column.target;
  const field = targetField(target);
  return {
    header: column.header,
    target: target.kind,
    ...(field ? { key: field.key, type: field.type, unit: field.unit, newField: !field.existing } : {}),
    ...(field?.widenedFrom ? { widenedFrom: field.widenedFrom } : {}),
    ...(target.kind === 'collected_at' && target.epochMs ? { epochMilliseconds: true } : {}),
    ...(column.decimalMark === ',' ? { decimalMark: ',' } : {}),
    examples: column.examples,
  };
}
