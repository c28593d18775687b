import type { Import } from '../db/models/import.js';
import type { RealtimePublisher } from '../realtime/publisher.js';

/** Sends the state of an upload's import to its uploader and to everyone viewing the dataset. */
export function publishUploadState(publisher: RealtimePublisher, record: Import, bytesReceived: number = record.bytesReceived): void {
  publisher.publishImportProgress(
    {
      importId: record.id,
      datasetId: record.datasetId,
      state: record.state,
      phase: record.phase,
      rowsDone: 0,
      rowsTotal: null,
      ratePerSecond: null,
      etaSeconds: null,
      counts: record.counts,
      issueCount: record.issueCount,
      error: record.error,
      bytesReceived,
    },
    record.userId,
  );
}
