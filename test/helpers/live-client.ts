import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import type { Field } from '../../common/api/fields.js';
import type { Sample } from '../../common/api/samples.js';
import { LiveTable, type RowWindow } from '../../common/editing/live-table.js';
import type { EditAck, EditConflict, PresenceEvent, SyncAck, Viewer } from '../../common/editing/protocol.js';
import type { EditOp } from '../../common/editing/requests.js';
import type { ClientToServerEvents, DatasetChange, ServerToClientEvents } from '../../common/events.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 5_000;

/** Opens a Socket.IO connection with a session cookie, resolving once connected. */
export function openSocket(url: string, cookie: string, options: { reconnection?: boolean } = {}): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, {
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: options.reconnection ?? false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Reads every row of a dataset through the REST API, in row order. */
export async function fetchAllRows(url: string, cookie: string, datasetId: string): Promise<Sample[]> {
  const rows: Sample[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = (await getJson(url, cookie, `/datasets/${datasetId}/samples?limit=1000${query}`)) as { items: Sample[]; nextCursor: string | null };
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

/** Reads up to `limit` rows from a position through the REST API, with the seq they were read at. */
export async function fetchWindow(url: string, cookie: string, datasetId: string, position: number, limit: number): Promise<RowWindow> {
  return (await getJson(url, cookie, `/datasets/${datasetId}/samples/window?position=${position}&limit=${limit}`)) as RowWindow;
}

export async function fetchFields(url: string, cookie: string, datasetId: string): Promise<Field[]> {
  return ((await getJson(url, cookie, `/datasets/${datasetId}/fields`)) as { items: Field[] }).items;
}

async function getJson(url: string, cookie: string, path: string): Promise<unknown> {
  const response = await fetch(`${url}/api/v1${path}`, { headers: { cookie } });
  if (!response.ok) throw new Error(`GET ${path} failed with ${response.status}: ${await response.text()}`);
  return response.json();
}

/**
 * A test client that behaves like the web client. It joins a dataset's room, keeps a LiveTable
 * of all rows, read in windows by position, and applies changes in seq order. It catches up after gaps and reconnects, and
 * sends edits again after a reconnect until they are acknowledged. When its node goes away it
 * connects to the next URL of its list, as a load balancer would send it to a live node.
 */
export class LiveClient {
  socket!: ClientSocket;
  table!: LiveTable;
  readonly conflicts: EditConflict[] = [];
  readonly received: DatasetChange[] = [];
  viewers = new Map<string, Viewer>();
  private urlIndex = 0;
  private early: DatasetChange[] = [];
  private syncing: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly urls: string[],
    private readonly cookie: string,
    readonly datasetId: string,
    readonly clientId: string,
  ) {}

  /** Connects to the first URL, joins the dataset and loads every row. */
  static async open(urls: string[], cookie: string, datasetId: string): Promise<LiveClient> {
    const client = new LiveClient(urls, cookie, datasetId, randomUUID());
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`could not join ${datasetId} on ${urls[0]}`)), 15_000);
      client.onReady = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    client.connectTo(0);
    await ready;
    return client;
  }

  get url(): string {
    return this.urls[this.urlIndex]!;
  }

  /** Sends an edit and waits for its acknowledgement; after a disconnect it is sent again on reconnect. */
  async edit(ops: EditOp[], options: { overwrite?: boolean } = {}): Promise<EditAck | null> {
    const request = this.table.edit(ops, options);
    return this.send(request.mutationId, () => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('dataset:edit', request));
  }

  async undo(overwrite = false): Promise<EditAck> {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('dataset:undo', { datasetId: this.datasetId, mutationId: randomUUID(), overwrite });
  }

  async redo(overwrite = false): Promise<EditAck> {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('dataset:redo', { datasetId: this.datasetId, mutationId: randomUUID(), overwrite });
  }

  /** Asks for the changes after the table's seq and applies them, or reloads everything past the replay limit. */
  sync(): Promise<void> {
    this.syncing ??= this.runSync().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  /** Reports whether the client has applied every change up to `seq` and has no unconfirmed edits. */
  isSettledAt(seq: number): boolean {
    return this.socket.connected && this.table.seq === seq && !this.table.hasPendingEdits();
  }

  /** Drops the connection without warning; the client reconnects by itself. */
  dropConnection(): void {
    this.socket.io.engine.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.table?.dispose();
    this.socket?.disconnect();
  }

  private async send(mutationId: string, emit: () => Promise<EditAck>): Promise<EditAck | null> {
    try {
      const ack = await emit();
      this.conflicts.push(...this.table.acknowledge(mutationId, ack));
      return ack;
    } catch {
      // No acknowledgement because the connection dropped, so the edit stays pending and is sent again on reconnect.
      return null;
    }
  }

  private connectTo(index: number): void {
    this.urlIndex = index % this.urls.length;
    const socket: ClientSocket = connect(this.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: this.cookie },
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      forceNew: true,
    });
    this.socket = socket;
    socket.on('dataset:change', (change) => {
      this.received.push(change);
      if (this.table) this.table.receive(change);
      else this.early.push(change);
    });
    socket.on('presence', (event) => this.applyPresence(event));
    socket.on('connect', () => void this.joined(socket));
    socket.io.on('reconnect_attempt', (attempt) => {
      // After two failed attempts the node is taken as gone: move to the next one.
      if (attempt < 2 || this.closed || this.urls.length < 2) return;
      socket.disconnect();
      this.connectTo(this.urlIndex + 1);
    });
  }

  private onReady: (() => void) | null = null;

  private async joined(socket: ClientSocket): Promise<void> {
    const joined = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('dataset:join', { datasetId: this.datasetId }).catch(() => null);
    if (!joined?.ok || socket !== this.socket) return;

    if (!this.table) await this.load(joined.seq);
    await this.sync();
    for (const request of this.table.unacknowledged()) {
      void this.send(request.mutationId, () => socket.timeout(ACK_TIMEOUT_MS).emitWithAck('dataset:edit', request));
    }
    this.onReady?.();
    this.onReady = null;
  }

  private async load(seq: number): Promise<void> {
    const fields = await fetchFields(this.url, this.cookie, this.datasetId);
    const table = new LiveTable(
      { datasetId: this.datasetId, clientId: this.clientId, seq, fields, gapDelayMs: 200 },
      { requestSync: () => void this.sync(), requestReload: () => void this.reloadAll(), changed: () => {} },
    );
    this.table = table;
    for (const change of this.early) table.receive(change);
    this.early = [];
    await this.loadAllRows();
  }

  /**
   * Reads windows of rows, as the web client does, until every position is held. A window read
   * at a seq the table has not reached waits in the table for the changes before it.
   */
  private async loadAllRows(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!this.table.isComplete) {
      if (Date.now() > deadline) throw new Error(`client ${this.clientId} could not read every row within 15 s`);
      const range = this.table.isTotalKnown ? this.table.missing(0, Number.MAX_SAFE_INTEGER)[0] : { first: 0, last: 999 };
      if (!range) return;
      const limit = Math.min(1000, range.last - range.first + 1);
      const result = this.table.loadWindow(await fetchWindow(this.url, this.cookie, this.datasetId, range.first, limit));
      if (result !== 'applied') await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async runSync(): Promise<void> {
    const ack = (await this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('dataset:sync', { datasetId: this.datasetId, afterSeq: this.table.seq })
      .catch(() => null)) as SyncAck | null;
    if (!ack?.ok) return;
    if (ack.refetch) {
      await this.reloadAll(ack.seq);
      return;
    }
    for (const change of ack.changes) this.table.receive(change);
  }

  /** Reads every row again; used past the replay limit and after an import. */
  private async reloadAll(seq?: number): Promise<void> {
    const target = seq ?? this.table.seq;
    const fields = await fetchFields(this.url, this.cookie, this.datasetId);
    this.table.restartAt(target, fields);
    await this.loadAllRows();
  }

  private applyPresence(event: PresenceEvent): void {
    if (event.datasetId !== this.datasetId) return;
    if (event.full) this.viewers = new Map();
    for (const viewer of event.viewers) this.viewers.set(viewer.id, viewer);
    for (const id of event.left) this.viewers.delete(id);
  }
}

/** Picks the parts of a row that live editing changes, for comparing a client's table with the database. */
export function comparableRow(sample: Sample) {
  return {
    id: sample.id,
    name: sample.name,
    location: sample.location,
    elevation: sample.elevation,
    collectedAt: sample.collectedAt,
    values: sample.values,
  };
}
