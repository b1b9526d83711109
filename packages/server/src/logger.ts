// huddle's log: JSON lines for collectors, or human-readable lines (pino-pretty) for a person at a
// terminal. pino-pretty runs as a synchronous stream in the process (no worker thread), and is
// loaded only when used.

import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

const BASE = { service: 'huddle' };

/** `format`: the default is human-readable on a terminal (stdout is a TTY), JSON otherwise. */
export function createLogger(level: string, format: LogFormat = process.stdout.isTTY ? 'pretty' : 'json'): Logger {
  if (format === 'json') return pino({ level, base: BASE });
  const pretty = createRequire(import.meta.url)('pino-pretty') as (options: PrettyOptions) => NodeJS.WritableStream;
  const options: PrettyOptions = { sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' };
  return pino({ level, base: BASE }, pretty(options));
}
