import os from 'node:os';

/**
 * Fills in the user name of a PostgreSQL URL that has none with PGUSER or the operating-system
 * user, as psql does; node-postgres would otherwise send no user name when USER is unset.
 */
export function withDefaultUser(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.username !== '') return databaseUrl;

  url.username = encodeURIComponent(process.env.PGUSER || os.userInfo().username);
  return url.toString();
}
