// Helpers for the start and test scripts. Plain Node.js with no dependencies, because these
// scripts run before `npm ci` has installed anything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Prints a step of a script, so a reader can follow what it does. */
export function step(message) {
  process.stdout.write(`\n▸ ${message}\n`);
}

/** Runs a command to completion with inherited output, failing the script when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    const printed = [command, ...args].join(' ');
    throw new Error(`\`${printed}\` failed with exit code ${result.status ?? result.signal}.`);
  }
}

/** Starts a long-running child process with inherited output. */
export function launch(command, args, options = {}) {
  return spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
}

/** Loads `.env` from the repository root into process.env, without overriding what is set. */
export function loadDotEnv() {
  const file = path.join(ROOT, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Installs npm dependencies when node_modules is missing or older than the lock file. */
export function ensureDependencies() {
  const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;

  step('Installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Brings up PostgreSQL with PostGIS and Redis on loopback when they do not answer. */
export function ensureServices() {
  step('Checking PostgreSQL, PostGIS and Redis');
  run('bash', [path.join(ROOT, 'scripts', 'services.sh')]);
}

function newestModification(target) {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestModification(path.join(target, entry)));
  }
  return newest;
}

/** Builds the web client when its bundle is missing or older than its sources. */
export function ensureClientBuilt({ force = false } = {}) {
  const bundle = path.join(ROOT, 'client', 'dist', 'index.html');
  const sources = Math.max(
    newestModification(path.join(ROOT, 'client')),
    newestModification(path.join(ROOT, 'common')),
    newestModification(path.join(ROOT, 'package-lock.json')),
  );
  if (!force && existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;

  step('Building the web client');
  run('npm', ['run', 'build:client']);
}

/** Polls a URL until it answers 200 or the deadline passes. */
export async function waitForUrl(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
