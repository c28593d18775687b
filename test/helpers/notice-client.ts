import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, NoticeSnapshot, ServerToClientEvents } from '../../common/events.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type EventName = keyof ServerToClientEvents;
type PayloadOf<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

/** A received server event, in arrival order. */
export interface ReceivedEvent {
  event: EventName;
  payload: unknown;
  receivedAt: number;
}

const RECORDED: EventName[] = ['notice:active', 'notice:upsert', 'notice:remove', 'notice:dismissed', 'notification:new', 'notification:read'];

/**
 * A Socket.IO client that records every notice and notification event it receives, for tests
 * that check what reached whom. `open` resolves once the server has sent the notice snapshot,
 * which it does after joining the socket to all its rooms.
 */
export class NoticeClient {
  readonly received: ReceivedEvent[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: ClientSocket) {
    for (const event of RECORDED) {
      socket.on(event, ((payload: unknown) => {
        this.received.push({ event, payload, receivedAt: Date.now() });
        for (const wake of [...this.waiters]) wake();
      }) as never);
    }
  }

  /** Connects with a session cookie (or none, as a visitor) and waits for the notice snapshot. */
  static async open(url: string, cookie = ''): Promise<NoticeClient> {
    const socket: ClientSocket = connect(url, {
      transports: ['websocket'],
      extraHeaders: cookie ? { cookie } : {},
      reconnection: false,
      forceNew: true,
    });
    const client = new NoticeClient(socket);
    await client.waitFor('notice:active');
    return client;
  }

  /** The snapshot the server sent on connect. */
  get snapshot(): NoticeSnapshot {
    const first = this.received.find((entry) => entry.event === 'notice:active');
    if (!first) throw new Error('no notice snapshot received yet');
    return first.payload as NoticeSnapshot;
  }

  /** The payloads of one event received so far. */
  all<E extends EventName>(event: E): PayloadOf<E>[] {
    return this.received.filter((entry) => entry.event === event).map((entry) => entry.payload as PayloadOf<E>);
  }

  /** Waits until an event matching the predicate has arrived (or already had), failing after the timeout with what did arrive. */
  async waitFor<E extends EventName>(event: E, matches: (payload: PayloadOf<E>) => boolean = () => true, timeoutMs = 10_000): Promise<PayloadOf<E>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((entry) => entry.event === event && matches(entry.payload as PayloadOf<E>));
      if (found) return found.payload as PayloadOf<E>;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no matching ${event} within ${timeoutMs} ms; received: ${JSON.stringify(this.received.map((entry) => entry.event))}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((waiter) => waiter !== wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.push(wake);
      });
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}
