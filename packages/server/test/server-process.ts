// huddle as its own process (the built `dist/main.js`, as `npm start` runs it), for tests and scripts that kill
// it with SIGKILL: started on a free port, found by its "listening on" log line.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from './harness.js';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerProcess {
  child: ChildProcess;
  client: Client;
  port: number;
  /** What it wrote to stdout and stderr (the last half MB or more of it). */
  output(): string;
  /** Settles when the process has exited, however it ended. */
  exited: Promise<void>;
}

/** Starts huddle with `env` on top of this process's environment (HUDDLE_PORT 0 unless given). */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: SERVER_DIR,
    env: { ...process.env, HUDDLE_PORT: '0', HUDDLE_GATEWAY_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  // The tail is enough to explain a failure; a long run must not hoard its whole log.
  const keep = (d: Buffer) => {
    out += d;
    if (out.length > 1_000_000) out = out.slice(-500_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const until = Date.now() + 90_000;
  let m: RegExpExecArray | null;
  while (!(m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out))) {
    if (Date.now() > until || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const port = Number(m[1]);
  return { child, client: new Client(`http://127.0.0.1:${port}`), port, output: () => out, exited };
}
