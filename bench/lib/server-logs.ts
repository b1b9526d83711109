// The huddle children's logs (HUDDLE_LOG_LEVEL=warn: every line is at warn or above), grouped.

import fs from 'node:fs';

export interface LogScan {
  lines: number;
  byMessage: { level: number; msg: string; count: number; sample: string }[];
}

/** Server log lines at warn or above, grouped by message. */
/** What Node's inspector prints (the gateway scenarios run servers with --inspect to force a GC). */
const INSPECTOR =
  /^(Debugger listening on|Debugger attached\.|Debugger ending on|For help, see: https:\/\/nodejs\.org)/;

export function scanLog(file: string): LogScan {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { lines: 0, byMessage: [] };
  }
  const groups = new Map<string, { level: number; msg: string; count: number; sample: string }>();
  let lines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim() || INSPECTOR.test(line)) continue;
    lines++;
    let level = 0;
    let msg = line.slice(0, 120);
    try {
      const j = JSON.parse(line) as { level?: number; msg?: string };
      level = j.level ?? 0;
      msg = j.msg ?? msg;
    } catch {
      // not pino JSON (e.g. a Node warning)
    }
    const key = `${level} ${msg}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { level, msg, count: 1, sample: line.slice(0, 400) });
  }
  return { lines, byMessage: [...groups.values()] };
}
