import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/processes.js';

/** Newest modification time under a folder, leaving out build output and dependencies. */
function newestModification(target: string): number {
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === 'dist' || entry === 'node_modules') continue;
    newest = Math.max(newest, newestModification(path.join(target, entry)));
  }
  return newest;
}

/** Builds the client unless `client/dist` is newer than its sources (`npm test` builds it first). */
export function ensureClientBuilt(): void {
  const bundle = path.join(REPO_ROOT, 'client', 'dist', 'index.html');
  const sources = Math.max(newestModification(path.join(REPO_ROOT, 'client')), newestModification(path.join(REPO_ROOT, 'common')));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  execFileSync('npm', ['run', 'build:client'], { cwd: REPO_ROOT, stdio: 'pipe' });
}
