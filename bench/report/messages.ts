// The report's messages section (issue 14): send_msg against the bare inserts of the same engine,
// and the newest-100 pull of a long conversation.

import type { MessagesResult, Verifiable } from '../scenarios/messages.js';
import { busyCell, cpuCell, fmt, table } from './format.js';

export interface MessagesFigures {
  [engine: string]: {
    huddleMsgsPerSec: number;
    bareMsgsPerSec: number;
    huddleOverBare: number;
    pullMessages: number;
    pullP50Ms: number;
    pullP99Ms: number;
  };
}

/** Prints the section; returns its figures (for the summary JSON). */
export function printMessages(r: MessagesResult): MessagesFigures {
  console.log(
    '\nmessages: /msg/send_msg (app admin as random members, 100 groups of 100) ÷ the same inserts done bare on the same engine (a messages row + the conversation_seqs upsert, one transaction each):',
  );
  const rows = [
    [
      'engine',
      'huddle msgs/s',
      'bare msgs/s',
      'huddle ÷ bare',
      'huddle p50 / p99 ms',
      'bare p50 / p99 ms',
      'bare concurrency',
      'huddle CPU ms/msg',
      'bench CPU (bare)',
      'machine busy (bare)',
      'pull newest 100 of',
      'pull p50 / p99 ms',
    ],
    ...r.engines.map((e) => [
      e.engine,
      fmt(e.send.opsPerSec),
      fmt(e.bare.opsPerSec),
      fmt(e.ratio, 3),
      `${fmt(e.send.callLatencyMs.p50, 2)} / ${fmt(e.send.callLatencyMs.p99, 2)}`,
      `${fmt(e.bare.latencyMs.p50, 2)} / ${fmt(e.bare.latencyMs.p99, 2)}`,
      fmt(e.bare.concurrency),
      fmt(e.send.serverCpuMsPerCall, 3),
      cpuCell(e.bare.benchCpuPct),
      busyCell(e.bare.machineBusyPct),
      fmt(e.pull.conversationMessages),
      `${fmt(e.pull.latencyMs.p50, 2)} / ${fmt(e.pull.latencyMs.p99, 2)}`,
    ]),
  ];
  console.log(table(rows));
  for (const e of r.engines)
    console.log(
      `  ${e.engine}: ${fmt(e.pull.calls)} pulls one at a time (after 10 untimed), of a conversation seeded in ${fmt(e.pull.seedSeconds, 1)} s`,
    );
  if (r.databasesDropped.length > 0) console.log(`  databases created and dropped: ${r.databasesDropped.join(', ')}`);
  return Object.fromEntries(
    r.engines.map((e) => [
      e.engine,
      {
        huddleMsgsPerSec: e.send.opsPerSec,
        bareMsgsPerSec: e.bare.opsPerSec,
        huddleOverBare: e.ratio,
        pullMessages: e.pull.conversationMessages,
        pullP50Ms: e.pull.latencyMs.p50,
        pullP99Ms: e.pull.latencyMs.p99,
      },
    ]),
  );
}

/** The section's checks beyond its table rows, under the labels they print with. */
export const messagesChecks = (r: MessagesResult): [string, Verifiable][] =>
  r.engines.flatMap((e): [string, Verifiable][] => [
    [e.bare.name, e.bare],
    [`pull_msg_by_seq ${e.engine}`, e.pull],
  ]);
