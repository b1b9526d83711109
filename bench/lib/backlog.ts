// A backlog of callback events whose commit order per group the bench knows, built with join+quit
// pairs while nothing delivers them (the receiver holds every callback, or no worker runs).

import type { Api } from './api.js';
import { type Huddle, ids } from './huddle.js';
import { Recorder } from './recorder.js';
import { CONCURRENCY } from './settings.js';

/** The users and groups a delivery backlog is built over (see orderedJoinQuitBacklog). */
export interface BacklogLoad {
  groups: string[];
  users: string[];
  tokens: Map<string, string>;
  loops: number;
  usersPerLoop: number;
}

/**
 * Registers BENCH_CONCURRENCY loops × 4 users (with their tokens) and creates `groupCount`
 * needVerification=2 groups owned by `${prefix}_owner`; `label` names the progress line and the groups.
 */
export async function setupBacklogLoad(
  h: Huddle,
  prefix: string,
  label: string,
  groupCount: number,
): Promise<BacklogLoad> {
  const loops = CONCURRENCY;
  const usersPerLoop = 4;
  const owner = `${prefix}_owner`;
  const users = ids(prefix, loops * usersPerLoop);
  await h.register([owner, ...users]);
  const tokens = new Map<string, string>();
  for (let i = 0; i < users.length; i += 16) {
    const batch = users.slice(i, i + 16);
    const t = await Promise.all(batch.map((u) => h.tokenFor(u)));
    batch.forEach((u, k) => tokens.set(u, t[k]!));
  }
  process.stdout.write(`  ${label}: creating ${groupCount} groups ... `);
  const groups: string[] = new Array(groupCount);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < groupCount; i = next++) {
        const g = await h.api.ok(
          '/group/create_group',
          {
            ownerUserID: owner,
            adminUserIDs: [],
            memberUserIDs: [],
            groupInfo: { groupID: '', groupName: `${label} ${i}`, groupType: 2, needVerification: 2 },
          },
          h.adminToken,
        );
        groups[i] = g.groupInfo.groupID;
      }
    }),
  );
  console.log('done');
  return { groups, users, tokens, loops, usersPerLoop };
}

/** A backlog as built: the recorder of its calls (latencies kept) and, per group, the events committed in order. */
export interface Backlog {
  rec: Recorder;
  expected: Map<string, string[]>;
  groups: number;
  pairsDone: number;
  creationSeconds: number;
  pairsPerSec: number;
  events: number;
}

/**
 * Builds a backlog of join+quit pairs whose commit order per group the bench knows: loop w owns
 * the groups g ≡ w (mod loops) and runs them one after another; its users take turns joining and
 * then quitting. Records, per group, the events committed (MJ:user, Q:user) in order.
 */
export async function orderedJoinQuitBacklog(api: Api, o: BacklogLoad, pairs: number): Promise<Backlog> {
  const rec = new Recorder(api);
  rec.measuring = true; // keep the calls' latencies
  const expected = new Map<string, string[]>();
  let pairsDone = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.loops }, async (_, w) => {
      const mine = o.groups.filter((_, g) => g % o.loops === w);
      const share = Math.floor(pairs / o.loops) + (w < pairs % o.loops ? 1 : 0);
      for (let k = 0; k < share && mine.length > 0; k++) {
        const groupID = mine[k % mine.length]!;
        const userID = o.users[w * o.usersPerLoop + (Math.floor(k / mine.length) % o.usersPerLoop)]!;
        const token = o.tokens.get(userID)!;
        let list = expected.get(groupID);
        if (!list) expected.set(groupID, (list = []));
        const j = await rec.call(
          '/group/join_group',
          JSON.stringify({ groupID, reqMessage: '', joinSource: 3, inviterUserID: '', ex: '' }),
          token,
        );
        if (j === undefined) continue;
        list.push(`MJ:${userID}`);
        const q = await rec.call('/group/quit_group', JSON.stringify({ groupID, userID }), token);
        if (q === undefined) break; // the user is still in the group: this loop stops
        list.push(`Q:${userID}`);
        pairsDone++;
      }
    }),
  );
  const creationSeconds = (performance.now() - t0) / 1000;
  const events = [...expected.values()].reduce((a, l) => a + l.length, 0);
  return {
    rec,
    expected,
    groups: o.groups.length,
    pairsDone,
    creationSeconds,
    pairsPerSec: Math.round(pairsDone / creationSeconds),
    events,
  };
}
