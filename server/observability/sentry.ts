import * as Sentry from '@sentry/node';
import type { Config } from '../config/env.js';

let enabled = false;

/** Starts error reporting to Sentry when SENTRY_DSN is set; does nothing otherwise. */
export function initSentry(config: Pick<Config, 'SENTRY_DSN' | 'SENTRY_ENVIRONMENT' | 'NODE_ENV'>, service: string): void {
  if (!config.SENTRY_DSN) return;
  Sentry.init({
    dsn: config.SENTRY_DSN,
    environment: config.SENTRY_ENVIRONMENT || config.NODE_ENV,
    serverName: service,
  });
  enabled = true;
}

/** Reports an error with the ids involved, when Sentry is enabled. */
export function captureError(error: unknown, context: Record<string, string | number | null> = {}): void {
  if (!enabled) return;
  Sentry.captureException(error, { extra: context });
}

/** Sends what is queued before the process exits. */
export async function flushSentry(): Promise<void> {
  if (enabled) await Sentry.close(2000);
}
