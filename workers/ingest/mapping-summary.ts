import type { ImportPlan } from './import-plan.js';

/**
 * Describes how the file was read and where each column went, as stored in `imports.mapping`,
 * so people (and a later review step) can see the mapping behind the import.
 */
export function summariseMapping(plan: ImportPlan): Record<string, unknown> {
  return {
    format: plan.format,
    encoding: plan.encoding,
    delimiter: plan.delimiter,
    location: plan.location.kind,
    rows: plan.rowsTotal,
    columns: plan.columns.map((column) => {
      const target = column.target;
      const field = target.kind === 'field' ? target.field : null;
      return {
        header: column.header,
        target: target.kind === 'field' ? 'field' : target.kind,
        ...(field ? { key: field.key, type: field.type, unit: field.unit, newField: !field.existing } : {}),
        ...(target.kind === 'collected_at' && target.epochMs ? { epochMilliseconds: true } : {}),
        ...(column.decimalMark === ',' ? { decimalMark: ',' } : {}),
        examples: column.examples,
      };
    }),
  };
}
