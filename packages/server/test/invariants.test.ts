// A long random sequence of valid and invalid operations by many callers, after which the group
// invariants must hold: a live group has exactly one owner, memberCount equals its member rows, and
// a user is at most once in a group. Checked through the API and directly in the database (the SQLite
// file, or the PostgreSQL database, read over a connection of its own).

import { afterAll, beforeAll, expect, it } from 'vitest';
import { groupViolations } from './db-invariants.js';
import { page, startServer, type TestServer } from './harness.js';

/** mulberry32: a tiny seeded PRNG, so a failing sequence can be replayed with the same seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.HUDDLE_INVARIANT_SEED ?? 20261123);
const USERS = Array.from({ length: 10 }, (_, i) => `inv${i}`);
// A dismissed group is gone for good, so creations draw fresh IDs; operations pick among created ones.
const GROUPS: string[] = [];

let s: TestServer;
const tokens = new Map<string, string>();

beforeAll(async () => {
  s = await startServer();
  await s.register(...USERS);
  for (const u of USERS) tokens.set(u, await s.tokenFor(u));
  tokens.set('imAdmin', s.adminToken);
});
afterAll(async () => {
  await s.close();
});

it(`holds the invariants after a random sequence of operations (seed ${SEED})`, async () => {
  const rnd = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const group = () => (GROUPS.length > 0 && rnd() < 0.95 ? pick(GROUPS.slice(-6)) : 'no-such-group');
  const some = (k: number) => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * k) }, () => pick(USERS)))];
  const callers = [...USERS, 'imAdmin'];
  const ops: (() => [string, object])[] = [
    () => {
      const owner = pick(USERS);
      return [
        '/group/create_group',
        {
          ownerUserID: owner,
          adminUserIDs: some(2),
          memberUserIDs: some(3),
          groupInfo: {
            groupID: rnd() < 0.8 ? `g${GROUPS.length}` : group(),
            groupType: 2,
            needVerification: Math.floor(rnd() * 3),
          },
        },
      ];
    },
    () => ['/group/join_group', { groupID: group(), joinSource: 3, inviterUserID: pick(USERS) }],
    () => ['/group/quit_group', { groupID: group(), userID: pick(USERS) }],
    () => ['/group/invite_user_to_group', { groupID: group(), invitedUserIDs: some(3) }],
    () => ['/group/kick_group', { groupID: group(), kickedUserIDs: some(2) }],
    () => ['/group/transfer_group', { groupID: group(), oldOwnerUserID: pick(USERS), newOwnerUserID: pick(USERS) }],
    () => [
      '/group/set_group_member_info',
      { members: [{ groupID: group(), userID: pick(USERS), roleLevel: pick([20, 60, 100]) }] },
    ],
    () => [
      '/group/group_application_response',
      { groupID: group(), fromUserID: pick(USERS), handleResult: pick([1, -1]) },
    ],
    () => ['/group/dismiss_group', { groupID: group(), deleteMember: rnd() < 0.5 }],
    () => ['/group/set_group_info_ex', { groupID: group(), needVerification: Math.floor(rnd() * 3) }],
  ];
  // Dismissals are rare, so groups live long enough to see many membership changes.
  const weights = [3, 6, 4, 4, 3, 3, 3, 4, 0.2, 1];
  const total = weights.reduce((a, b) => a + b, 0);
  const choose = () => {
    let r = rnd() * total;
    for (let i = 0; i < ops.length; i++) if ((r -= weights[i]!) < 0) return ops[i]!;
    return ops[0]!;
  };

  const outcomes = new Map<string, number>();
  for (let step = 0; step < 800; step++) {
    const [path, body] = choose()();
    // Half the calls come from the app admin, so rules past the permission checks are reached too.
    const caller = rnd() < 0.5 ? 'imAdmin' : pick(callers);
    const res = await s.client.post(path, body, tokens.get(caller));
    expect(res.errCode, `${path} ${JSON.stringify(body)} -> ${res.errDlt}`).not.toBe(500);
    if (path === '/group/create_group' && res.errCode === 0) GROUPS.push(`g${GROUPS.length}`);
    const key = `${path} ${res.errCode}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  // The sequence must really exercise the rules: many successes and many refusals.
  const successes = [...outcomes].filter(([k]) => k.endsWith(' 0')).reduce((a, [, v]) => a + v, 0);
  if (process.env.HUDDLE_INVARIANT_DEBUG) console.log([...outcomes].sort());
  expect(successes).toBeGreaterThan(80);
  expect(successes).toBeLessThan(700);

  // Through the API.
  const { groupInfos } = await s.client.ok('/group/get_groups_info', { groupIDs: GROUPS }, s.adminToken);
  expect(groupInfos.length).toBeGreaterThan(0);
  for (const g of groupInfos) {
    const list = await s.client.ok(
      '/group/get_group_member_list',
      { groupID: g.groupID, pagination: page(1, 1000) },
      s.adminToken,
    );
    expect(list.total, `memberCount of ${g.groupID}`).toBe(g.memberCount);
    expect(list.members).toHaveLength(g.memberCount);
    const ids = list.members.map((m: any) => m.userID);
    expect(new Set(ids).size).toBe(ids.length);
    const owners = list.members.filter((m: any) => m.roleLevel === 100).map((m: any) => m.userID);
    if (g.status !== 2) {
      expect(owners, `owners of live group ${g.groupID}`).toHaveLength(1);
      expect(g.ownerUserID).toBe(owners[0]);
    } else {
      expect(owners.length).toBeLessThanOrEqual(1);
    }
    for (const m of list.members) {
      const joined = await s.client.ok(
        '/group/get_joined_group_list',
        { fromUserID: m.userID, pagination: page(1, 100) },
        s.adminToken,
      );
      expect(joined.groups.map((x: any) => x.groupID)).toContain(g.groupID);
    }
  }

  // Directly in the database: the same groups the API reports (so the check cannot pass on an empty
  // or wrong database), and no violation.
  const rows = await s.query<{ group_id: string }>('SELECT group_id FROM "groups"');
  expect(rows.map((r) => r.group_id).sort()).toEqual(groupInfos.map((g: any) => g.groupID).sort());
  expect(await groupViolations(s.query)).toEqual([]);
});
