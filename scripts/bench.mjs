// Runs the benchmarks (bench/run.ts) under tsx, passing on the command-line arguments:
// `npm run bench -- --rows 100000 --runs 1` for a quick run, `npm run bench -- --only notices`
// for the notice fan-out alone.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The notice benchmark keeps one socket open per client (5,000 by default), so the soft open-file limit
// is raised to the hard limit first; where that fails, the benchmark says which limit it needs.
const raiseFileLimit = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';
const result = spawnSync('sh', ['-c', raiseFileLimit, process.execPath, '--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
