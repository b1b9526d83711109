// Generated IDs are decimal strings (OpenIM clients treat group IDs as opaque digits) that sort by
// creation time: 13 digits of milliseconds, a 3-digit per-millisecond counter, 3 random digits.

import { randomInt } from 'node:crypto';

let lastMs = 0;
let counter = 0;

export function newSortableID(nowMs: number): string {
  if (nowMs === lastMs) counter = (counter + 1) % 1000;
  else {
    lastMs = nowMs;
    counter = 0;
  }
  return `${nowMs}${String(counter).padStart(3, '0')}${String(randomInt(1000)).padStart(3, '0')}`;
}
