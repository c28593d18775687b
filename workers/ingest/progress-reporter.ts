import type { Knex } from 'knex';
import type { ImportCounts, ImportPhase, ImportState } from '../../common/api/imports.js';
import type { ImportProgress } from '../../common/events.js';
import type { Logger } from '../../server/observability/logger.js';
import type { RealtimePublisher } from '../../server/realtime/publisher.js';

/** Shortest time between two progress updates of one import: at most 4 a second. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Longest time between two writes of a running import's heartbeat, even when no row moves (a long
 * COPY tail, an index update). The API reports an import as stalled when its heartbeat is much
 * older than this.
 */
export const HEARTBEAT_INTERVAL_MS = 5000;

/** The import a reporter reports on. */
export interface ReportedImport {
  id: string;
  datasetId: string;
  userId: string | null;
}

/** The final state an import ends in, as sent to viewers. */
export interface FinalProgress {
  state: ImportState;
  /** 'done' unless the import goes back to the queue. */
  phase?: ImportPhase;
  rowsDone: number;
  rowsTotal: number | null;
  counts: ImportCounts;
  issueCount: number;
  error: string | null;
}

/**
 * Writes an import's progress to its row and sends it to the dataset's room and the uploader,
 * coalescing row counts to one update per PROGRESS_INTERVAL_MS. Phase changes and the final state
 * are always sent. Progress writes go through the pool, outside the load transaction, so a reload
 * shows them while the load is still uncommitted. A write that finds the import no longer running
 * (cancelled or deleted) sets `cancelled`, which the job checks between batches.
 */
export class ProgressReporter {
  /** True once a write found the import no longer running. */
  cancelled = false;

  private phase: ImportPhase = 'queued';
  private rowsDone = 0;
  private rowsTotal: number | null = null;
  private fraction = 0;
  private phaseStartedAt = 0;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private sentRows = -1;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private holding = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly finishedPhaseSeconds: Partial<Record<ImportPhase, number>> = {};

  constructor(
    private readonly knex: Knex,
    private readonly publisher: RealtimePublisher,
    private readonly target: ReportedImport,
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Seconds each finished or current phase took, for the job's log line. */
  phaseSeconds(): Partial<Record<ImportPhase, number>> {
    const seconds = { ...this.finishedPhaseSeconds };
    if (this.phase !== 'queued') seconds[this.phase] = round((this.now() - this.phaseStartedAt) / 1000);
    return seconds;
  }

  /** Starts writing the heartbeat; `finish` stops it. */
  startHeartbeat(): void {
    this.heartbeat ??= setInterval(() => {
      if (this.holding || this.inFlight || this.timer) return;
      if (this.now() - this.lastSentAt >= HEARTBEAT_INTERVAL_MS) this.send();
    }, HEARTBEAT_INTERVAL_MS / 5);
    this.heartbeat.unref();
  }

  /** Stops the heartbeat, for an import that leaves the running state. */
  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** Starts a phase and sends it at once; resolves when the row is written. */
  async startPhase(phase: ImportPhase, rowsTotal: number | null): Promise<void> {
    await this.settle();
    Object.assign(this.finishedPhaseSeconds, this.phaseSeconds());
    this.phase = phase;
    this.rowsTotal = rowsTotal;
    this.rowsDone = 0;
    this.fraction = 0;
    this.phaseStartedAt = this.now();
    this.send();
    await this.settle();
  }

  /** Notes how far the phase is: rows done and the share of its work done (0 to 1). */
  advance(rowsDone: number, fraction: number): void {
    this.rowsDone = rowsDone;
    this.fraction = Math.min(1, Math.max(0, fraction));
    if (this.holding || this.inFlight || this.timer) return;

    const wait = this.lastSentAt + PROGRESS_INTERVAL_MS - this.now();
    if (wait <= 0) {
      this.send();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.send();
    }, wait);
    this.timer.unref();
  }

  /** Waits for the update in flight and drops a pending one, so no write races what follows. */
  async settle(): Promise<void> {
    this.holding = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.inFlight) await this.inFlight;
    this.holding = false;
  }

  /** Sends the final state. The code that ended the import has written its row already. */
  async finish(final: FinalProgress): Promise<void> {
    this.stopHeartbeat();
    await this.settle();
    this.publisher.publishImportProgress(
      {
        importId: this.target.id,
        datasetId: this.target.datasetId,
        state: final.state,
        phase: final.phase ?? 'done',
        rowsDone: final.rowsDone,
        rowsTotal: final.rowsTotal,
        ratePerSecond: null,
        etaSeconds: null,
        counts: final.counts,
        issueCount: final.issueCount,
        error: final.error,
      },
      this.target.userId,
    );
  }

  private send(): void {
    const progress = this.snapshot();
    this.lastSentAt = this.now();
    this.sentRows = progress.rowsDone;
    this.inFlight = this.write(progress)
      .then((running) => {
        if (!running) this.cancelled = true;
        else this.publisher.publishImportProgress(progress, this.target.userId);
      })
      .catch((error: unknown) => {
        // A lost progress update is not worth failing the import for; the next one repairs it.
        this.log.warn({ err: error, importId: this.target.id }, 'writing import progress failed');
      })
      .finally(() => {
        this.inFlight = null;
        // Rows that arrived during the write are sent next, unless settle() is waiting.
        if (!this.holding && this.rowsDone !== this.sentRows) this.advance(this.rowsDone, this.fraction);
      });
  }

  private async write(progress: ImportProgress): Promise<boolean> {
    const updated = await this.knex('imports')
      .where({ id: this.target.id, state: 'running' })
      .update({ phase: progress.phase, rowsDone: progress.rowsDone, rowsTotal: progress.rowsTotal, heartbeatAt: this.knex.fn.now(), updatedAt: this.knex.fn.now() })
      .returning('id');
    return updated.length > 0;
  }

  private snapshot(): ImportProgress {
    const elapsedSeconds = (this.now() - this.phaseStartedAt) / 1000;
    const rate = elapsedSeconds > 0 && this.rowsDone > 0 ? this.rowsDone / elapsedSeconds : null;
    // The share of work done also covers phases whose row total is not known yet (the analysis).
    let eta: number | null = null;
    if (this.fraction >= 1) eta = 0;
    else if (this.fraction > 0) eta = (elapsedSeconds * (1 - this.fraction)) / this.fraction;
    return {
      importId: this.target.id,
      datasetId: this.target.datasetId,
      state: 'running',
      phase: this.phase,
      rowsDone: this.rowsDone,
      rowsTotal: this.rowsTotal,
      ratePerSecond: rate === null ? null : Math.round(rate),
      etaSeconds: eta === null ? null : Math.round(eta * 10) / 10,
      counts: {},
      issueCount: 0,
      error: null,
    };
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
