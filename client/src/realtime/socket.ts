import { createSignal } from 'solid-js';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../common/events.js';
import { nextConnectionState, type ConnectionEvent, type ConnectionState } from './connection-state.js';

/** The page's one Socket.IO connection, typed with the event maps the server uses. */
export type PortalSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const [connectionState, setConnectionState] = createSignal<ConnectionState>(
  typeof navigator !== 'undefined' && navigator.onLine === false ? 'offline' : 'connecting',
);

/** The live state of the connection, for the header's indicator. */
export { connectionState };

let socket: PortalSocket | null = null;

function report(event: ConnectionEvent): void {
  setConnectionState((current) => nextConnectionState(current, event, socket?.connected ?? false));
}

/**
 * Returns the page's socket, connecting it on first use. It connects to the origin that served
 * the page, so the session cookie authenticates the handshake.
 */
export function getSocket(): PortalSocket {
  if (socket) return socket;

  const created: PortalSocket = io({ path: '/socket.io', withCredentials: true });
  created.on('connect', () => report('connect'));
  created.on('disconnect', (reason) => {
    report('disconnect');
    // Socket.IO retries by itself except after a disconnect the server chose.
    if (reason === 'io server disconnect') created.connect();
  });
  created.on('connect_error', () => report('connect_error'));
  created.io.on('reconnect_failed', () => report('reconnect_failed'));
  window.addEventListener('offline', () => report('browser_offline'));
  window.addEventListener('online', () => report('browser_online'));

  socket = created;
  return created;
}

/**
 * Reconnects after a sign-in or sign-out, because the server reads the session only during
 * the handshake. Rooms are joined again by their `connect` handlers.
 */
export function reconnectSocket(): void {
  if (!socket) return;
  socket.disconnect();
  socket.connect();
}
