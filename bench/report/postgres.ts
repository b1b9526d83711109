// The report's PostgreSQL section (issue 4, point 6): join+quit on each engine and configuration, and
// delivery by one worker vs two.

import { CONCURRENCY } from '../lib/settings.js';
import { round } from '../lib/stats.js';
import type { PgResult } from '../scenarios/pg.js';
import { backlogCells, drainCells, fmt, table } from './format.js';

/** Prints the section; returns its figures (for the summary JSON). */
export function printPostgres(pgResult: PgResult): Record<string, number> {
  const { sqlite, pg1, pg2 } = pgResult;
  const pgFigures: Record<string, number> = {
    sqlitePairsPerSec: sqlite.opsPerSec,
    pg1PairsPerSec: pg1.opsPerSec,
    pg2PairsPerSec: pg2.opsPerSec,
    pg1OverSqlite: round(pg1.opsPerSec / sqlite.opsPerSec, 3),
    pg2OverPg1: round(pg2.opsPerSec / pg1.opsPerSec, 3),
  };
  console.log(`\nPostgreSQL: join+quit at concurrency ${CONCURRENCY} (16 groups), pairs/s and calls/s ÷ baseline:`);
  for (const p of [sqlite, pg1, pg2])
    console.log(
      `  ${p.name}: ${fmt(p.opsPerSec)} pairs/s (${fmt(p.ratioToBaseline, 3)} × baseline), server CPU ${fmt(p.serverCpuMsPerCall, 3)} ms/call (huddle processes only, not PostgreSQL's)`,
    );
  console.log(
    `  PostgreSQL ÷ SQLite (1 instance) = ${fmt(pgFigures.pg1OverSqlite, 3)}; 2 instances ÷ 1 instance (PostgreSQL) = ${fmt(pgFigures.pg2OverPg1, 3)}`,
  );
  console.log(
    `\nPostgreSQL delivery: a backlog written by a serve --no-worker instance with no worker running, drained by huddle worker processes to a receiver answering at once:`,
  );
  const prow = [
    [
      'workers',
      'deliveryConcurrency each',
      'groups',
      'callbacks',
      'backlog build',
      'held at release',
      'drain s',
      'delivered/s',
      '÷ baseline',
      'steady /s (10–90 %)',
      'receiver max in flight',
      'groups in order',
      'duplicates',
      'worker CPU',
      'receiver CPU',
      'machine busy',
    ],
    ...pgResult.delivery.map((d) => [
      String(d.workers),
      String(d.deliveryConcurrencyPerWorker),
      ...backlogCells(d),
      fmt(d.heldAtRelease),
      fmt(d.drainSeconds, 2),
      fmt(d.deliveredPerSec),
      fmt(d.ratioToBaseline, 3),
      ...drainCells(d, d.workerCpuPct),
    ]),
  ];
  console.log(table(prow));
  const one = pgResult.delivery.find((d) => d.workers === 1);
  const two = pgResult.delivery.find((d) => d.workers === 2);
  if (one && two) {
    pgFigures.delivery1PerSec = one.deliveredPerSec;
    pgFigures.delivery2PerSec = two.deliveredPerSec;
    pgFigures.delivery2Over1 = round(two.deliveredPerSec / one.deliveredPerSec, 3);
    console.log(`  2 workers ÷ 1 worker = ${fmt(pgFigures.delivery2Over1, 3)}`);
  }
  console.log(`  databases created and dropped: ${pgResult.databasesDropped.join(', ')}`);
  return pgFigures;
}
