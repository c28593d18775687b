import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { freePort, REPO_ROOT } from '../../test/helpers/processes.js';

export { freePort, REPO_ROOT };

/** A child process of the benchmark, with its output kept for failure messages and log parsing. */
export interface BenchProcess {
  name: string;
  child: ChildProcess;
  /** The last 200 kB the process wrote to stdout and stderr. */
  output(): string;
  /** Peak resident memory of the process so far (VmHWM), in MiB; null when it has exited. */
  peakRssMegabytes(): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts a TypeScript entry point as `node --import tsx <entry>`, so the child's pid is the
 * Node.js process itself and /proc/<pid>/status describes it, not a wrapper.
 */
export function startTsProcess(name: string, entry: string, env: Record<string, string>): BenchProcess {
  const cpuProfile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}/${name}`] : [];
  return startNodeProcess(name, [...cpuProfile, '--import', 'tsx', entry], env);
}

/** Starts `node` with the given arguments in the repository, e.g. a compiled entry point. */
export function startNodeProcess(name: string, args: string[], env: Record<string, string>): BenchProcess {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  return {
    name,
    child,
    output: () => output,
    peakRssMegabytes: () => (child.pid === undefined ? Promise.resolve(null) : peakRssMegabytes(child.pid)),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Reads VmHWM, the peak resident set size, of a Linux process in MiB; null when it is gone. */
export async function peakRssMegabytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}


/** Polls a URL until it responds with 200, failing with the processes' output after the timeout. */
export async function waitForHttp(url: string, processes: readonly BenchProcess[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exited = processes.find((candidate) => candidate.child.exitCode !== null);
    if (exited) throw new Error(`${exited.name} exited during start-up:\n${exited.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not respond within ${timeoutMs} ms (timed out):\n${processes.map((p) => p.output()).join('\n---\n')}`);
}

/** Runs a command to completion and returns its wall-clock seconds; throws with its output on failure. */
export async function timeCommand(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`);
  return seconds;
}
