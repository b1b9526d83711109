// Numbers and Markdown tables for the console report.

import os from 'node:os';
import type { DrainFigures } from '../lib/drain.js';

export function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || Number.isNaN(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A Markdown table: the first row is the header, the first column left-aligned, the others right. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w, c) => (c === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** A table cell for a CPU share; '-' where it is unknown (off Linux). */
export const cpuCell = (pct: number | undefined) => (pct === undefined ? '-' : `${fmt(pct)} %`);
/** The same for the whole machine, out of 100 % per CPU. */
export const busyCell = (pct: number | undefined) =>
  pct === undefined ? '-' : `${fmt(pct)} / ${os.cpus().length * 100} %`;

/** The backlog cells both delivery tables show: groups, callbacks, how long building it took. */
export const backlogCells = (d: DrainFigures) => [
  fmt(d.groups),
  fmt(d.events),
  `${fmt(d.creationSeconds, 1)} s (${fmt(d.creationPairsPerSec)} pairs/s)`,
];

/** The drain cells both delivery tables end with; `serverCpuPct` is the huddle instance's or the workers'. */
export const drainCells = (d: DrainFigures, serverCpuPct: number | undefined) => [
  fmt(d.steadyPerSec),
  fmt(d.receiverMaxInFlight),
  `${d.groupsInOrder}/${d.groupsWithEvents}`,
  fmt(d.duplicates),
  cpuCell(serverCpuPct),
  cpuCell(d.receiverCpuPct),
  busyCell(d.machineBusyPct),
];
