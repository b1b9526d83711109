// After-callbacks end to end: every hook's body against its fixture, signed (checked with the
// standardwebhooks package), in commit order per group, never for a change that rolled back, and
// delivered in full after the business server comes back.

import { CALLBACK_KEYS, CALLBACKS, MESSAGE_HOOK_KEYS, USER_HOOK_KEYS } from '@huddle/protocol';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from './harness.js';
import { startReceiver, type Receiver, type ReceivedRequest } from './receiver.js';
import { expectShape } from './shape.js';
import { eventually } from './wait.js';

// afterGroupFull needs HUDDLE_MAX_GROUP_MEMBERS: dialects.test.ts covers it; user-hooks.test.ts the
// user hooks, message-hooks.test.ts the message hooks.
const AFTER_KEYS = CALLBACK_KEYS.filter(
  (k) =>
    CALLBACKS[k].phase === 'after' &&
    k !== 'afterGroupFull' &&
    !USER_HOOK_KEYS.includes(k) &&
    !MESSAGE_HOOK_KEYS.includes(k),
);
const cmd = (key: (typeof CALLBACK_KEYS)[number]) => CALLBACKS[key].openim.command;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

let s: TestServer;
let rx: Receiver;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

async function configure(extra: Record<string, unknown> = {}, enable: readonly string[] = AFTER_KEYS) {
  // The receiver answers at once: a generous timeout, so a busy machine never makes that a failure.
  const hooks = Object.fromEntries(AFTER_KEYS.map((k) => [k, { enable: enable.includes(k), timeout: 10 }]));
  // Retries quick at first, then long enough that no event dies however slowly a test runs: once
  // the receiver answers again, recovery sends every waiting group at once.
  await s.client.ok(
    '/callback/set_config',
    {
      config: {
        url: rx.url,
        signingSecret: SECRET,
        retrySchedule: [0.05, 0.1, 0.2, 0.5, 1, 60, 600],
        ...hooks,
        ...extra,
      },
    },
    s.adminToken,
  );
}

/** Group of a request body: every group callback names it. */
const groupOf = (r: ReceivedRequest) => r.body.groupID as string;
const unique = (rs: ReceivedRequest[]) => [...new Map(rs.map((r) => [r.headers['webhook-id'] as string, r])).values()];

beforeAll(async () => {
  rx = await startReceiver();
  s = await startServer();
});
afterAll(async () => {
  await s.close();
  await rx.close();
});
beforeEach(async () => {
  rx.reset();
  await configure();
});

describe('after-callbacks', () => {
  it('delivers every after-hook with its fixture shape, signed, with the caller operationID', async () => {
    const [o, a, m, j, i, k] = [uid('o'), uid('a'), uid('m'), uid('j'), uid('i'), uid('k')];
    await s.register(o, a, m, j, i, k);
    const g = await createGroup(s, { owner: o, admins: [a], members: [m, k], needVerification: 2 });
    const tokenO = await s.tokenFor(o);
    await s.client.ok(
      '/group/join_group',
      { groupID: g.groupID, joinSource: 3, reqMessage: 'hi', ex: 'e' },
      await s.tokenFor(j),
    );
    await s.client.ok(
      '/group/invite_user_to_group',
      { groupID: g.groupID, invitedUserIDs: [i], reason: 'come' },
      tokenO,
    );
    await s.client.ok('/group/quit_group', { groupID: g.groupID }, await s.tokenFor(j));
    await s.client.ok('/group/kick_group', { groupID: g.groupID, kickedUserIDs: [k], reason: 'bye' }, tokenO);
    await s.client.ok('/group/set_group_info', { groupInfoForSet: { groupID: g.groupID, groupName: 'n2' } }, tokenO);
    await s.client.ok('/group/set_group_info_ex', { groupID: g.groupID, introduction: 'intro' }, tokenO);
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: 'nn', roleLevel: 60 }] },
      tokenO,
    );
    await s.client.ok('/group/transfer_group', { groupID: g.groupID, oldOwnerUserID: o, newOwnerUserID: a }, tokenO);
    const dismiss = await s.client.raw(
      '/group/dismiss_group',
      { groupID: g.groupID, deleteMember: true },
      { token: s.adminToken, operationID: 'op-dismiss' },
    );
    expect(dismiss.body.errCode).toBe(0);

    const got = await rx.waitFor((rs) => rs.some((r) => r.command === cmd('afterDismissGroup')), 10_000);
    const wh = new Webhook(SECRET);
    for (const key of AFTER_KEYS) {
      const requests = got.filter((r) => r.command === cmd(key));
      expect(requests.length, key).toBeGreaterThan(0);
      for (const r of requests) {
        expect(r.path).toBe(`/callbackExample/${cmd(key)}`);
        expect(r.query).toEqual({ contenttype: 'json' });
        expectShape(r.body, cmd(key));
        // Throws unless the signature, id and timestamp check out.
        expect(wh.verify(r.raw, r.headers as Record<string, string>)).toEqual(r.body);
      }
    }
    // The seeds' values: numeric groupType, each initial member once with its real role.
    expect(got.find((r) => r.command === cmd('afterCreateGroup'))!.body.initMemberList).toEqual([
      { userID: o, roleLevel: 100 },
      { userID: a, roleLevel: 60 },
      { userID: m, roleLevel: 20 },
      { userID: k, roleLevel: 20 },
    ]);
    expect(got.filter((r) => r.command === cmd('afterMemberJoinGroup')).map((r) => r.body)).toEqual([
      { callbackCommand: cmd('afterMemberJoinGroup'), groupID: g.groupID, userID: j, ex: '', groupEx: '' },
      { callbackCommand: cmd('afterMemberJoinGroup'), groupID: g.groupID, userID: i, ex: '', groupEx: '' },
    ]);
    expect(got.find((r) => r.command === cmd('afterQuitGroup'))!.body).toEqual({
      callbackCommand: cmd('afterQuitGroup'),
      groupID: g.groupID,
      userID: j,
    });
    const dismissed = got.find((r) => r.command === cmd('afterDismissGroup'))!;
    expect(dismissed.body).toMatchObject({ ownerID: a, groupType: 2 });
    expect(dismissed.body.membersID.sort()).toEqual([o, a, m, i].sort());
    expect(dismissed.headers.operationid).toBe('op-dismiss');
    // One group, so everything arrived in commit order.
    expect(got.map((r) => r.command)).toEqual([
      cmd('afterCreateGroup'),
      cmd('afterMemberJoinGroup'),
      cmd('afterJoinGroup'),
      cmd('afterMemberJoinGroup'),
      cmd('afterJoinGroup'),
      cmd('afterQuitGroup'),
      cmd('afterKickGroupMember'),
      cmd('afterSetGroupInfo'),
      cmd('afterSetGroupInfoEx'),
      cmd('afterSetGroupMemberInfo'),
      cmd('afterTransferGroupOwner'),
      cmd('afterDismissGroup'),
    ]);
  });

  it('writes no event for a change that did not happen', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    const g = await createGroup(s, { owner: o, members: [m] });
    await rx.waitForCount(1, cmd('afterCreateGroup'));
    // Refused by the rules, by a before-hook, and a set_group_info that changes nothing.
    expect((await s.client.post('/group/quit_group', { groupID: g.groupID }, await s.tokenFor(o))).errCode).toBe(1002);
    await s.client.ok(
      '/callback/set_config',
      {
        config: {
          url: rx.url,
          afterQuitGroup: { enable: true },
          beforeSetGroupMemberInfo: { enable: true, failedContinue: false },
          afterSetGroupMemberInfo: { enable: true },
          afterSetGroupInfo: { enable: true },
        },
      },
      s.adminToken,
    );
    rx.answer(cmd('beforeSetGroupMemberInfo'), { body: { actionCode: 0, nextCode: 1, errCode: 5002 } });
    expect(
      (
        await s.client.post(
          '/group/set_group_member_info',
          { members: [{ groupID: g.groupID, userID: m, nickname: 'x' }] },
          s.adminToken,
        )
      ).errCode,
    ).toBe(5002);
    await s.client.ok(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'team' } },
      s.adminToken,
    );
    await s.client.ok('/group/quit_group', { groupID: g.groupID }, await s.tokenFor(m));
    const got = await rx.waitForCount(1, cmd('afterQuitGroup'));
    expect(got).toHaveLength(1);
    expect(rx.requests().map((r) => r.command)).toEqual([
      cmd('afterCreateGroup'),
      cmd('beforeSetGroupMemberInfo'),
      cmd('afterQuitGroup'),
    ]);
  });

  it('keeps commit order per group under concurrent load, and delivers everything after the receiver comes back', async () => {
    const owners = [uid('o'), uid('o'), uid('o')];
    const joiners = Array.from({ length: 6 }, () => uid('u'));
    await s.register(...owners, ...joiners);
    const groups = await Promise.all(owners.map((o) => createGroup(s, { owner: o, needVerification: 2 })));
    const tokens = await Promise.all(joiners.map((u) => s.tokenFor(u)));
    await rx.waitForCount(3, cmd('afterCreateGroup'));
    rx.clear();
    const failures = async () =>
      (
        await s.query<{ n: number }>(
          `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM webhook_attempts WHERE outcome = 'failure'`,
        )
      )[0]!.n;
    const failedBefore = await failures();
    await rx.down();
    // Every joiner joins and quits every group, concurrently across joiners.
    await Promise.all(
      joiners.map(async (_, ji) => {
        for (const g of groups) {
          await s.client.ok('/group/join_group', { groupID: g.groupID, joinSource: 3 }, tokens[ji]);
          await s.client.ok('/group/quit_group', { groupID: g.groupID }, tokens[ji]);
        }
      }),
    );
    const expected = joiners.length * groups.length * 3; // memberJoin + join + quit
    // Attempts failed while the receiver was down.
    await eventually(async () => (await failures()) >= failedBefore + 3, 30_000, 'failed attempts');
    await rx.up();
    const got = await rx.waitFor((rs) => unique(rs).length >= expected, 60_000);
    const delivered = unique(got);
    expect(delivered).toHaveLength(expected);
    // Per group, the outbox order is commit order: compare the receiver's order with it, once the
    // worker has recorded the last answers (the receiver sees a request before its result is logged).
    const events: any[] = await eventually(
      async () => {
        const { events: listed } = await s.client.ok(
          '/callback/list_events',
          { pagination: page(1, 1000), status: 'delivered' },
          s.adminToken,
        );
        return delivered.every((r) => listed.some((e: any) => e.eventID === r.headers['webhook-id']))
          ? listed
          : undefined;
      },
      30_000,
      'every delivered event recorded',
    );
    for (const g of groups) {
      const committed = events
        .filter((e: any) => e.groupID === g.groupID)
        .map((e: any) => e.eventID)
        .reverse();
      const arrived = delivered.filter((r) => groupOf(r) === g.groupID).map((r) => r.headers['webhook-id']);
      expect(arrived).toEqual(committed.slice(-arrived.length));
      // And the membership story is consistent: each user's join precedes its quit.
      const story = delivered
        .filter((r) => groupOf(r) === g.groupID && r.command !== cmd('afterJoinGroup'))
        .map((r) => `${r.command === cmd('afterQuitGroup') ? 'quit' : 'join'}:${r.body.userID}`);
      for (const u of joiners) expect(story.indexOf(`join:${u}`)).toBeLessThan(story.indexOf(`quit:${u}`));
    }
  });

  it('follows a runtime configuration change at once', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    await configure({}, []);
    const g = await createGroup(s, { owner: o, members: [m] });
    await configure({}, ['afterQuitGroup']);
    await s.client.ok('/group/quit_group', { groupID: g.groupID }, await s.tokenFor(m));
    const got = await rx.waitForCount(1, cmd('afterQuitGroup'));
    expect(got[0]!.body.userID).toBe(m);
    expect(rx.requests(cmd('afterCreateGroup'))).toEqual([]);
  });
});
