/**
 * Worker thread of a two-part table scan (see split-scan.ts): profiles the data records of one
 * byte range of a CSV file and posts the counts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ColumnProfile } from './column-profile.js';
import { MissingValues } from './missing-values.js';
import type { RangeScanMessage, RangeScanRequest } from './split-scan.js';
import { forEachRecord, profileRecord } from './table-scan.js';
import { readRecords } from './table-source.js';

async function scanRange(request: RangeScanRequest): Promise<RangeScanMessage> {
  const missing = new MissingValues(request.missingCodes);
  const profiles = Array.from({ length: request.width }, () => new ColumnProfile(missing));
  let rows = 0;
  let brokenRows = 0;
  for await (const batch of readRecords({ ...request.location, range: request.range })) {
    forEachRecord(batch, (record, _rowNumber, error) => {
      rows += 1;
      if (!profileRecord(profiles, record, request.width, true, error)) brokenRows += 1;
    });
    post({ kind: 'progress', rows, fraction: batch.fraction });
  }
  return { kind: 'done', rows, brokenRows, profiles: profiles.map((profile) => profile.snapshot()) };
}

function post(message: RangeScanMessage): void {
  parentPort!.postMessage(message);
}

scanRange(workerData as RangeScanRequest).then(post, (error: unknown) => post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }));
