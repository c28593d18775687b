/**
 * Entry point of a worker process: `tsx workers/main.ts` in development, `node
 * dist/workers/main.js` in the container. Stops cleanly on SIGTERM and SIGINT.
 */
import { loadConfig } from '../server/config/load-config.js';
import { moduleLogger } from '../server/observability/logger.js';
import { flushSentry, initSentry } from '../server/observability/sentry.js';
import { startWorker } from './worker.js';

const log = moduleLogger('worker-main');

// A job still running after this long at shutdown is left to BullMQ: its lock expires, the load
// transaction rolls back with the connection, and another worker retries it from the start.
const SHUTDOWN_GRACE_MS = 60_000;

async function main(): Promise<void> {
  const config = loadConfig();
  initSentry(config, 'worker');
  const worker = await startWorker(config);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down; letting the current jobs finish');
    const timeout = setTimeout(() => {
      log.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'jobs did not finish in time; exiting, and they will be retried');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timeout.unref();
    await worker.close();
    await flushSentry();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, error instanceof Error ? error.message : 'worker failed to start');
  process.exit(1);
});
