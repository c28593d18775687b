import type { FieldType } from '../../common/api/fields.js';
import type { CellValue } from '../../common/api/samples.js';
import { cellValueProblem } from '../../common/cell-values.js';
import type { FieldIssue } from '../../common/errors.js';

export { cellValueProblem };

interface FieldShape {
  key: string;
  type: FieldType;
  required: boolean;
}

/**
 * Checks a sample's values against the dataset's fields. With `complete`, fields marked required
 * must have a value too (used when a sample is created).
 */
export function valueIssues(fields: readonly FieldShape[], values: Record<string, CellValue>, complete: boolean): FieldIssue[] {
  const byKey = new Map(fields.map((field) => [field.key, field]));
  const issues: FieldIssue[] = [];

  for (const [key, value] of Object.entries(values)) {
    const field = byKey.get(key);
    if (!field) {
      issues.push({ field: `body.values.${key}`, message: `the dataset has no field "${key}"; create the field first` });
      continue;
    }
    const problem = cellValueProblem(field.type, value);
    if (problem) issues.push({ field: `body.values.${key}`, message: problem });
  }

  if (complete) {
    for (const field of fields) {
      if (field.required && (values[field.key] === undefined || values[field.key] === null)) {
        issues.push({ field: `body.values.${field.key}`, message: 'a value is required' });
      }
    }
  }
  return issues;
}
