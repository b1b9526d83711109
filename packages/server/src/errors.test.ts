// README.md's Errors table is what clients read: it must list every code of ERRORS, with its errMsg,
// and no code that ERRORS lacks.

import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from './errors.js';

const README = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The rows of the table under "### Errors": [errCode cell, errMsg cell]. */
function readmeRows(): [string, string][] {
  const section = README.slice(README.indexOf('### Errors'));
  const table = section.slice(section.indexOf('| errCode'), section.indexOf('\n\n', section.indexOf('| errCode')));
  return table
    .split('\n')
    .slice(2)
    .map((line) => line.split('|').map((c) => c.trim()))
    .map((cells) => [cells[1]!, cells[2]!]);
}

describe('the README errors table', () => {
  it('lists every code of ERRORS with its errMsg, and no other', () => {
    const documented = new Map<number, string>();
    for (const [code, msg] of readmeRows()) {
      const range = /^(\d+)–(\d+)$/.exec(code);
      if (range) for (let c = Number(range[1]); c <= Number(range[2]); c++) documented.set(c, msg);
      else documented.set(Number(code), msg);
    }
    const table = new Map(Object.values(ERRORS).map((e) => [e.code as number, e.message as string]));
    expect([...documented.keys()].sort((a, b) => a - b)).toEqual([...table.keys()].sort((a, b) => a - b));
    for (const [code, msg] of documented) {
      // A range row names its family ("Token…"); a single row names the code's errMsg exactly.
      if (msg.endsWith('…')) expect(table.get(code), `${code}`).toMatch(new RegExp(`^${msg.slice(0, -1)}`));
      else expect(msg, `${code}`).toBe(table.get(code));
    }
  });
});
