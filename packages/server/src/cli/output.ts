// What commands print: a plain-text table for people (the default) or JSON for scripts (--json).
// Tables go to stdout; progress and notes for people go to stderr, so `--json` output stays parseable.

export interface Column<R> {
  header: string;
  value: (row: R) => string;
  /** Cells longer than this are cut with "…" (JSON output is never cut). */
  max?: number;
}

export function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const cells = rows.map((r) => columns.map((c) => truncate(c.value(r), c.max ?? 200)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** A note for the person at the terminal: stderr, so it never mixes into --json output. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Unix milliseconds as UTC `2024-05-01 12:00:00.123Z`; "" for 0 (not set). */
export function formatTime(ms: number): string {
  return ms ? new Date(ms).toISOString().replace('T', ' ') : '';
}

/**
 * A progress line that rewrites itself on a terminal, and on anything else (a log, a pipe) prints
 * only when the text changes, at most once a second. done() leaves the final state on its own line.
 */
export function progressLine(): { update(text: string): void; done(text?: string): void } {
  const tty = process.stderr.isTTY;
  let last = '';
  let shown = '';
  let shownAt = 0;
  return {
    update(text) {
      last = text;
      if (tty) process.stderr.write(`\r\x1b[K${text}`);
      else if (text !== shown && Date.now() - shownAt >= 1000) {
        process.stderr.write(`${text}\n`);
        shown = text;
        shownAt = Date.now();
      }
    },
    done(text) {
      const final = text ?? last;
      if (tty && last) process.stderr.write('\r\x1b[K');
      if (final && (tty || final !== shown)) process.stderr.write(`${final}\n`);
    },
  };
}
