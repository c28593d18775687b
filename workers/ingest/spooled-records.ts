import type { Logger } from '../../server/observability/logger.js';
import type { ImportPlan } from './import-plan.js';
import { spoolSourceOf } from './record-spool.js';
import { openRecordSpool } from './record-spool-reader.js';
import type { RecordBatch, TableLocation } from './table-source.js';

/**
 * Returns the records of the plan's workbook from the record spool at `path`, or null when the pass
 * must read the table file. That is so for CSV and GeoJSON, which are never spooled, and for a
 * workbook whose spool is missing or does not match the plan, which is logged.
 */
export async function spooledRecords(path: string, plan: ImportPlan, location: TableLocation, log: Logger): Promise<AsyncGenerator<RecordBatch> | null> {
  if (plan.source.format !== 'xlsx' && plan.source.format !== 'ods') return null;
  if (!plan.recordSpool) {
    log.info({ format: plan.source.format }, 'the analysis wrote no record spool; reading the workbook again');
    return null;
  }

  const opening = await openRecordSpool(path, plan.recordSpool, spoolSourceOf(location));
  if (opening.kind === 'unusable') {
    log.info({ format: plan.source.format, reason: opening.reason }, 'the record spool cannot be used; reading the workbook again');
    return null;
  }
  log.debug({ records: plan.recordSpool.records }, 'reading the records from the record spool');
  return opening.batches;
}
