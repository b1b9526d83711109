// The seed pages (OpenIM's and Tencent's documentation as printed) live beside the repository, in
// ../shared/seeds (or HUDDLE_TEST_SEEDS). Tests that compare our fixtures with them run when they are
// there; without them they are skipped with a visible message. A HUDDLE_TEST_SEEDS that names no
// directory fails: whoever set it expects the comparison. (Failing under CI=true as well waits until
// every CI clone is known to have ../shared/seeds.)

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SEED_DIR = path.resolve(ROOT, process.env.HUDDLE_TEST_SEEDS ?? '../shared/seeds');

/** The text of seed page `nnn` (its file is named nnn_<hash>.txt). */
export function readSeed(nnn: string): string {
  const file = fs.readdirSync(SEED_DIR).find((f) => f.startsWith(`${nnn}_`));
  if (!file) throw new Error(`no seed page ${nnn} in ${SEED_DIR}`);
  return fs.readFileSync(path.join(SEED_DIR, file), 'utf8');
}

/** it(), when the seed pages are there; otherwise skipped with a message, or failed when HUDDLE_TEST_SEEDS names nothing. */
export function itWithSeeds(name: string, fn: () => void): void {
  if (fs.existsSync(SEED_DIR)) return void it(name, fn);
  if (process.env.HUDDLE_TEST_SEEDS !== undefined) {
    return void it(name, () => {
      throw new Error(`HUDDLE_TEST_SEEDS names ${SEED_DIR}, which does not exist`);
    });
  }
  console.warn(`*** skipped "${name}": no seed pages at ${SEED_DIR} (set HUDDLE_TEST_SEEDS) ***`);
  it.skip(`${name} (no seed pages)`, fn);
}
