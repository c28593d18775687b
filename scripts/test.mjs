// `npm test`: the whole suite from a clean clone. Installs dependencies, makes sure PostgreSQL
// with PostGIS, Redis and Chromium are there, type-checks server and client, builds the client,
// then runs unit, integration and browser tests with vitest. Extra arguments go to vitest.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { ROOT, ensureClientBuilt, ensureDependencies, ensureServices, run, step } from './lib.mjs';

function main() {
  ensureDependencies();
  ensureServices();
  if (!existsSync('/usr/bin/chromium')) {
    step('Installing Chromium for the browser tests');
    run('bash', [path.join(ROOT, 'scripts', 'ensure-chromium.sh')]);
  }

  step('Type-checking server, workers, tests and client');
  run('npm', ['run', 'typecheck']);
  ensureClientBuilt({ force: true });

  step('Running the tests');
  run(process.execPath, [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)]);
}

try {
  main();
} catch (error) {
  process.stderr.write(`\n${error.message}\n`);
  process.exit(1);
}
