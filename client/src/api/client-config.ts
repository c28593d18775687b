import type { ClientConfig } from '../../../common/api/system.js';
import { apiRequest } from './http.js';

export type { ClientConfig } from '../../../common/api/system.js';

let pending: Promise<ClientConfig> | null = null;

/** Returns the client settings, fetched once per page load; a failed fetch is retried on the next call. */
export function loadClientConfig(): Promise<ClientConfig> {
  pending ??= apiRequest<ClientConfig>('/config').catch((error: unknown) => {
    pending = null;
    throw error;
  });
  return pending;
}
