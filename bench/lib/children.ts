// Child processes: started by us, always stopped by us (also on Ctrl-C or a crash).

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { sleep } from './sleep.js';
import { ROOT } from './workdir.js';

export interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
}

const children = new Set<ChildProcess>();

const killAll = (signal: NodeJS.Signals) => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
};

/**
 * Kills every child still running when this process exits; on Ctrl-C (or SIGTERM) also runs
 * `onSignal` (given at most 5 s) before exiting with 130.
 */
export function stopChildrenOnExit(onSignal: () => Promise<void>): void {
  process.on('exit', () => killAll('SIGKILL'));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      console.error(`\nbench: ${sig}, stopping child processes`);
      killAll('SIGKILL');
      const timer = setTimeout(() => process.exit(130), 5000);
      onSignal().finally(() => {
        clearTimeout(timer);
        process.exit(130);
      });
    });
  }
}

/** At the end of the run: SIGTERM to every child still known. */
export function terminateChildren(): void {
  for (const c of children) c.kill('SIGTERM');
}

/** `node [nodeArgs] --import tsx script [args]` in the repository root, output appended to `logFile`. */
export function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  logFile: string,
  nodeArgs: string[] = [],
  args: string[] = [],
  /** An IPC channel to the child (process.send / 'message'), for children the bench drives by messages. */
  ipc = false,
): Child {
  const fd = fs.openSync(logFile, 'a');
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', fd, fd, 'ipc'] : ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return { name, proc, logFile };
}

/** SIGTERM, then SIGKILL after 10 s; resolves to the exit code or signal. */
export async function stopChild(child: Child): Promise<number | string | null> {
  const { proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode ?? proc.signalCode;
  const exited = new Promise<number | string | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `probe` every 100 ms until it answers true; throws (with the log's tail) if the child exits or time runs out. */
export async function waitReady(child: Child, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited before answering:\n${tail(child.logFile)}`);
    }
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${child.name} did not answer within ${timeoutMs} ms:\n${tail(child.logFile)}`);
    await sleep(100);
  }
}
