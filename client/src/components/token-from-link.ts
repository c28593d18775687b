/**
 * Reads the one-time token that email links carry in the URL fragment (`#token=…`), which the
 * browser never sends to a server, and removes it from the address bar and the history.
 */
export function takeTokenFromLink(): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]{43})(?:&|$)/.exec(window.location.hash);
  if (!match) return null;
  history.replaceState(history.state, '', `${window.location.pathname}${window.location.search}`);
  return match[1]!;
}
