/**
 * Query parameters whose values are secrets: OAuth and OpenID Connect codes and states, and
 * tokens. Their values are replaced before a URL is logged, reported or echoed in an error.
 */
const SECRET_PARAMETERS = new Set(['code', 'state', 'token', 'access_token', 'id_token', 'refresh_token', 'session_state']);

/** Returns a path with query string in which the values of secret parameters are replaced. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;

  const params = new URLSearchParams(url.slice(queryStart + 1));
  let changed = false;
  for (const name of [...params.keys()]) {
    if (!SECRET_PARAMETERS.has(name.toLowerCase())) continue;
    params.set(name, '[redacted]');
    changed = true;
  }
  return changed ? `${url.slice(0, queryStart)}?${params.toString()}` : url;
}
