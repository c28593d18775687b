/**
 * The state of the realtime connection as the header shows it: `connecting` before the first
 * connection, `live` while connected, `reconnecting` while Socket.IO retries after a loss, and
 * `offline` while the browser reports no network.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** What the socket or the browser reported. */
export type ConnectionEvent = 'connect' | 'disconnect' | 'connect_error' | 'reconnect_failed' | 'browser_offline' | 'browser_online';

/**
 * Computes the state after an event; the browser's offline report wins until it is back online.
 * `connected` is whether the socket is connected when the event arrives. A short network drop
 * may leave it connected, and then no `connect` follows the browser's `online`.
 */
export function nextConnectionState(current: ConnectionState, event: ConnectionEvent, connected = false): ConnectionState {
  switch (event) {
    case 'connect':
      return 'live';
    case 'disconnect':
      return current === 'offline' ? 'offline' : 'reconnecting';
    case 'connect_error':
      if (current === 'offline' || current === 'connecting') return current;
      return 'reconnecting';
    case 'reconnect_failed':
    case 'browser_offline':
      return 'offline';
    case 'browser_online':
      if (current !== 'offline') return current;
      return connected ? 'live' : 'reconnecting';
  }
}

/** Short label of each state, for the header's connection indicator. */
export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** What each state means for the page, for the indicator's tooltip and screen readers. */
export const CONNECTION_DESCRIPTIONS: Record<ConnectionState, string> = {
  connecting: 'Connecting to the server for live updates.',
  live: 'Connected: changes and import progress appear as they happen.',
  reconnecting: 'The live connection was lost. Fairport is reconnecting and will catch up when it is back.',
  offline: 'Your browser is offline. Live updates resume when the network is back.',
};
