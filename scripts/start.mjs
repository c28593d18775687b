// `npm start`: brings Fairport up on this machine with nothing configured. Installs dependencies,
// makes sure PostgreSQL with PostGIS and Redis answer, migrates the database, builds the client,
// starts a server and a worker, and on first start loads the demo datasets through the upload path.
import net from 'node:net';
import {
  ensureClientBuilt,
  ensureDependencies,
  ensureServices,
  launch,
  loadDotEnv,
  run,
  step,
  waitForUrl,
} from './lib.mjs';

const TSX = ['--import', 'tsx'];

// Keep in step with workers/node-options.ts and the worker service in docker-compose.yml.
const WORKER_NODE_OPTIONS = '--max-old-space-size=192';

async function main() {
  loadDotEnv();
  if (process.stdout.isTTY && !process.env.LOG_FORMAT) process.env.LOG_FORMAT = 'pretty';
  ensureDependencies();
  ensureServices();

  step('Creating and migrating the database');
  run(process.execPath, [...TSX, 'scripts/migrate.ts']);
  ensureClientBuilt();

  const port = process.env.PORT ?? '3000';
  const host = process.env.HOST ?? '127.0.0.1';
  if (!(await portIsFree(Number(port), host))) {
    process.stderr.write(
      `\nPort ${port} on ${host} is already in use, perhaps by another Fairport. Stop that process, ` +
        'or start this one on another port, e.g. `PORT=3001 PUBLIC_URL=http://localhost:3001 npm start`.\n',
    );
    process.exitCode = 1;
    return;
  }

  step('Starting the server and a worker');
  const workerEnv = { ...process.env, NODE_OPTIONS: WORKER_NODE_OPTIONS };
  const children = [
    launch(process.execPath, [...TSX, 'server/main.ts']),
    launch(process.execPath, [...TSX, 'workers/main.ts'], { env: workerEnv }),
  ];
  stopTogether(children);

  const local = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  if (!(await waitForUrl(`${local}/api/v1/health`, 90_000))) {
    process.stderr.write('The server did not become healthy within 90 s; see its log above.\n');
    children.forEach((child) => child.kill('SIGTERM'));
    process.exitCode = 1;
    return;
  }

  if (process.env.DEMO_DATA !== 'false') {
    step('Loading the demo datasets (skipped when already loaded)');
    run(process.execPath, [...TSX, 'scripts/seed-demo.ts'], { env: { ...process.env, FAIRPORT_URL: local } });
  }

  const publicUrl = process.env.PUBLIC_URL ?? 'http://localhost:3000';
  const email = process.env.ADMIN_EMAIL ?? 'admin@example.org';
  const password = process.env.ADMIN_PASSWORD ? '(the ADMIN_PASSWORD you set)' : 'fairport-admin';
  step(`Fairport is running at ${publicUrl}: sign in as ${email} with ${password}. Stop it with Ctrl+C.`);
}

/** Stops every child when one exits or when this script is asked to stop. */
function stopTogether(children) {
  let stopping = false;
  const stopAll = (signal) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  for (const child of children) {
    child.on('exit', (code) => {
      if (!stopping) process.exitCode = code ?? 1;
      stopAll('SIGTERM');
    });
  }
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));

  // npm does not pass SIGTERM on to this script: when npm is stopped alone, this script is
  // re-parented, and it takes that as the signal to stop the server and the worker.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) stopAll('SIGTERM');
  }, 1000);
  watch.unref();
}

/** Whether a TCP port can be listened on, so a second start fails with a message, not a log line. */
function portIsFree(port, host) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

main().catch((error) => {
  process.stderr.write(`\n${error.message}\n`);
  process.exit(1);
});
