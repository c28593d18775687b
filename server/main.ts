/**
 * Entry point of a server node: `tsx server/main.ts` in development, `node dist/server/main.js`
 * in the container. Stops cleanly on SIGTERM and SIGINT.
 */
import { loadConfig } from './config/load-config.js';
import { moduleLogger } from './observability/logger.js';
import { flushSentry, initSentry } from './observability/sentry.js';
import { startServer } from './server.js';

const log = moduleLogger('main');

async function main(): Promise<void> {
  const config = loadConfig();
  initSentry(config, 'server');
  const server = await startServer(config);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await server.close();
    await flushSentry();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, error instanceof Error ? error.message : 'server failed to start');
  process.exit(1);
});
