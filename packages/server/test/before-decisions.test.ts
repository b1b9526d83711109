// The before-callback decision log end to end: a real huddle asks a real business server, and
// /callback/list_decisions shows each call as allow, modify, reject or failed (with failedContinue
// true and false), with its endpoint, latency, HTTP status and answer; its filters; app admins
// only; and the retention window, moved by an injected clock.

import { CALLBACKS } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testClock } from './clock.js';
import { createGroup, page, startServer, type TestServer } from './harness.js';
import { startReceiver, type Receiver } from './receiver.js';
import { eventually } from './wait.js';

const DAY = 86_400_000;
const CREATE = CALLBACKS.beforeCreateGroup.openim.command;
const SET_INFO = CALLBACKS.beforeSetGroupInfo.openim.command;
const SET_MEMBER = CALLBACKS.beforeSetGroupMemberInfo.openim.command;

let s: TestServer;
let rx: Receiver;
const clock = testClock();
let n = 0;
const uid = (p: string) => `${p}${++n}`;

/** beforeCreateGroup and beforeSetGroupMemberInfo on the default endpoint; beforeSetGroupInfo on "gate", with its failedContinue. */
async function configure(gateFailedContinue: boolean) {
  const config = {
    url: rx.url,
    beforeCreateGroup: { enable: true, timeout: 2, failedContinue: true },
    beforeSetGroupMemberInfo: { enable: true, timeout: 2, failedContinue: true },
    endpoints: [
      {
        name: 'gate',
        url: rx.url,
        hooks: { beforeSetGroupInfo: { enable: true, timeout: 0.5, failedContinue: gateFailedContinue } },
      },
    ],
  };
  await s.client.ok('/callback/set_config', { config }, s.adminToken);
}

const list = (filter: Record<string, unknown> = {}) =>
  s.client.ok('/callback/list_decisions', { ...filter, pagination: page() }, s.adminToken);

/** The decisions of one operation, once they are written (they are written after the answer). */
async function decisionsOf(operationID: string, count = 1) {
  return eventually(
    async () => {
      const found = await list({ operationID });
      return found.decisions.length >= count ? found.decisions : undefined;
    },
    8000,
    `the decision of ${operationID}`,
  );
}

/** Calls a route as the given token with a chosen operationID; returns the envelope. */
async function callAs(path: string, body: unknown, token: string, operationID: string) {
  return (await s.client.raw(path, body, { token, operationID })).body;
}

beforeAll(async () => {
  rx = await startReceiver();
  s = await startServer({ now: clock.now });
});
afterAll(async () => {
  await s.close();
  await rx.close();
});
beforeEach(async () => {
  rx.reset();
  await configure(true);
});

describe('each before-callback is kept with its decision', () => {
  it('allow: proceed unchanged', async () => {
    const o = uid('o');
    await s.register(o);
    const op = uid('op-allow-');
    const res = await callAs(
      '/group/create_group',
      { ownerUserID: o, groupInfo: { groupID: `g-${op}`, groupName: 'as asked', groupType: 2 } },
      s.adminToken,
      op,
    );
    expect(res.errCode).toBe(0);
    const [d] = await decisionsOf(op);
    expect(d).toMatchObject({
      hook: 'beforeCreateGroup',
      endpoint: 'default',
      command: CREATE,
      groupID: `g-${op}`,
      operationID: op,
      decision: 'allow',
      proceeded: true,
      statusCode: 200,
      errCode: 0,
      error: '',
    });
    expect(d.url).toBe(`${rx.url}/${CREATE}?contenttype=json`);
    expect(d.latencyMs).toBeGreaterThan(0);
    expect(JSON.parse(d.answer)).toMatchObject({ actionCode: 0, errCode: 0 });
    expect(d.time).toBe(clock.now());
  });

  it('keeps a Tencent URL with its Sign masked, as the delivery log keeps attempts', async () => {
    const tencent = { name: 'tc', url: rx.url, dialect: 'tencent', sdkAppId: '1400000001', token: 'tc-token' };
    const hooks = { beforeCreateGroup: { enable: true, timeout: 2, failedContinue: true } };
    await s.client.ok('/callback/set_config', { config: { endpoints: [{ ...tencent, hooks }] } }, s.adminToken);
    const o = uid('o');
    await s.register(o);
    const op = uid('op-tencent-');
    await callAs(
      '/group/create_group',
      { ownerUserID: o, groupInfo: { groupID: `g-${op}`, groupType: 2 } },
      s.adminToken,
      op,
    );
    const [d] = await decisionsOf(op);
    expect(d.url).toContain('Sign=…');
    expect(d.url).not.toMatch(/Sign=[0-9a-f]{64}/);
  });

  it('modify: proceed with the answer’s changes, the answer kept', async () => {
    const o = uid('o');
    await s.register(o);
    rx.answer(CREATE, { body: { actionCode: 0, nextCode: 0, groupName: 'Renamed by hook' } });
    const op = uid('op-modify-');
    const res = await callAs(
      '/group/create_group',
      { ownerUserID: o, groupInfo: { groupName: 'as asked', groupType: 2 } },
      s.adminToken,
      op,
    );
    expect(res.data.groupInfo.groupName).toBe('Renamed by hook');
    const [d] = await decisionsOf(op);
    expect(d).toMatchObject({ decision: 'modify', proceeded: true, endpoint: 'default', statusCode: 200 });
    expect(JSON.parse(d.answer).groupName).toBe('Renamed by hook');
    expect(d.latencyMs).toBeGreaterThan(0);
  });

  it('a modification the group’s rules refuse is failed, not modify', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    const g = await createGroup(s, { owner: o, members: [m] });
    // A member may rename itself; an answer that makes it an admin breaks a rule only the domain knows.
    rx.answer(SET_MEMBER, { body: { actionCode: 0, nextCode: 0, roleLevel: 60 } });
    const op = uid('op-escalate-');
    const res = await callAs(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: 'me' }] },
      await s.tokenFor(m),
      op,
    );
    expect(res.errCode).toBe(0); // failedContinue: proceeds unmodified
    const [d] = await decisionsOf(op);
    expect(d).toMatchObject({ hook: 'beforeSetGroupMemberInfo', decision: 'failed', proceeded: true, statusCode: 200 });
    expect(d.error).toMatch(/^invalid modification: /);
    expect(JSON.parse(d.answer).roleLevel).toBe(60);
  });

  it('reject: the business server’s errCode and errMsg, the operation refused', async () => {
    const o = uid('o');
    await s.register(o);
    const g = await createGroup(s, { owner: o });
    rx.answer(SET_INFO, { body: { actionCode: 0, nextCode: 1, errCode: 5001, errMsg: 'blocked', errDlt: 'policy 7' } });
    const op = uid('op-reject-');
    const res = await callAs(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'changed' } },
      s.adminToken,
      op,
    );
    expect(res.errCode).toBe(5001);
    const [d] = await decisionsOf(op);
    expect(d).toMatchObject({
      hook: 'beforeSetGroupInfo',
      endpoint: 'gate',
      command: SET_INFO,
      groupID: g.groupID,
      decision: 'reject',
      proceeded: false,
      statusCode: 200,
      errCode: 5001,
      errMsg: 'blocked',
    });
    expect(d.latencyMs).toBeGreaterThan(0);
    expect(JSON.parse(d.answer)).toMatchObject({ errCode: 5001, errDlt: 'policy 7' });
  });

  it('failed with failedContinue true: HTTP 500, the operation proceeds', async () => {
    const o = uid('o');
    await s.register(o);
    const g = await createGroup(s, { owner: o });
    rx.answer(SET_INFO, { status: 500, body: 'upstream broke' });
    const op = uid('op-failed-continue-');
    const res = await callAs(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'changed' } },
      s.adminToken,
      op,
    );
    expect(res.errCode).toBe(0);
    const [d] = await decisionsOf(op);
    expect(d).toMatchObject({
      endpoint: 'gate',
      decision: 'failed',
      failedContinue: true,
      proceeded: true,
      statusCode: 500,
      error: 'HTTP 500',
      answer: 'upstream broke',
    });
    expect(d.latencyMs).toBeGreaterThan(0);
  });

  it('failed with failedContinue false: a timeout, the operation refused', async () => {
    await configure(false);
    const o = uid('o');
    await s.register(o);
    const g = await createGroup(s, { owner: o });
    // Held past the test's own time-out: only huddle's 0.5 s ends the call.
    rx.answer(SET_INFO, { delayMs: 10 * 60_000 });
    const op = uid('op-failed-stop-');
    const res = await callAs(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'changed' } },
      s.adminToken,
      op,
    );
    expect(res.errCode).toBe(90004);
    const [d] = await decisionsOf(op);
    expect(d).toMatchObject({
      endpoint: 'gate',
      decision: 'failed',
      failedContinue: false,
      proceeded: false,
      statusCode: 0,
      error: 'timeout after 500 ms',
      answer: '',
    });
    expect(d.latencyMs).toBeGreaterThan(0);
  });
});

describe('list_decisions', () => {
  it('filters by endpoint, hook, decision, group and time, newest first, paged', async () => {
    const o = uid('o');
    await s.register(o);
    const from = clock.now() + 1;
    clock.advance(10);
    // Named here: the before-callback of a creation goes out before an ID is generated.
    const g = await createGroup(s, { owner: o, groupID: uid('g-filter-') });
    clock.advance(10);
    rx.answer(SET_INFO, { body: { actionCode: 0, nextCode: 1, errCode: 5002, errMsg: 'no' } });
    await callAs(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'x' } },
      s.adminToken,
      uid('op-'),
    );
    clock.advance(10);
    rx.answer(SET_INFO, {});
    await callAs(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'y' } },
      s.adminToken,
      uid('op-'),
    );
    const to = clock.now();
    clock.advance(10);

    const inWindow = { from, to };
    const all = await eventually(async () => {
      const found = await list(inWindow);
      return found.total === 3 ? found : undefined;
    });
    expect(all.retentionMs).toBe(7 * DAY);
    expect(all.decisions.map((d: { decision: string }) => d.decision)).toEqual(['allow', 'reject', 'allow']);
    expect(all.decisions.map((d: { hook: string }) => d.hook)).toEqual([
      'beforeSetGroupInfo',
      'beforeSetGroupInfo',
      'beforeCreateGroup',
    ]);
    const times = all.decisions.map((d: { time: number }) => d.time);
    expect(times).toEqual([...times].sort((a, b) => b - a));

    expect((await list({ ...inWindow, endpoint: 'gate' })).total).toBe(2);
    expect((await list({ ...inWindow, endpoint: 'default' })).decisions[0].hook).toBe('beforeCreateGroup');
    expect((await list({ ...inWindow, hook: 'beforeCreateGroup' })).total).toBe(1);
    const rejected = await list({ ...inWindow, decision: 'reject' });
    expect(rejected.decisions.map((d: { errCode: number }) => d.errCode)).toEqual([5002]);
    expect((await list({ groupID: g.groupID })).total).toBe(3);
    expect((await list({ groupID: g.groupID, endpoint: 'gate', decision: 'allow' })).total).toBe(1);
    expect((await list({ from: to + 1, to: to + 5 })).total).toBe(0);

    const second = await s.client.ok(
      '/callback/list_decisions',
      { ...inWindow, pagination: { pageNumber: 2, showNumber: 2 } },
      s.adminToken,
    );
    expect([second.total, second.decisions.map((d: { hook: string }) => d.hook)]).toEqual([3, ['beforeCreateGroup']]);
  });

  it('refuses a bad filter and changes nothing', async () => {
    for (const body of [
      { decision: 'maybe' },
      { hook: 'noSuchHook' },
      { hook: 'afterQuitGroup' },
      { from: 10, to: 5 },
    ]) {
      const res = await s.client.post('/callback/list_decisions', { ...body, pagination: page() }, s.adminToken);
      expect(res.errCode, JSON.stringify(body)).toBe(1001);
    }
  });

  it('is for app admins only', async () => {
    const u = uid('u');
    await s.register(u);
    const res = await s.client.post('/callback/list_decisions', { pagination: page() }, await s.tokenFor(u));
    expect(res.errCode).toBe(1002);
    expect(res.data).toBeUndefined();
  });
});

describe('retention', () => {
  it('deletes decisions past HUDDLE_DECISION_RETENTION_DAYS (7 by default), by the server’s clock', async () => {
    const o = uid('o');
    await s.register(o);
    const create = (op: string) =>
      callAs('/group/create_group', { ownerUserID: o, groupInfo: { groupType: 2 } }, s.adminToken, op);
    const old = uid('op-old-');
    await create(old);
    await decisionsOf(old);
    clock.advance(6 * DAY);
    const recent = uid('op-recent-');
    await create(recent);
    await decisionsOf(recent);

    // 6 days on, nothing of this test is 7 days old yet.
    await s.app.decisionRetention.prune();
    expect((await list({ operationID: old })).total).toBe(1);

    clock.advance(2 * DAY);
    expect(await s.app.decisionRetention.prune()).toBeGreaterThanOrEqual(1);
    expect((await list({ operationID: old })).total).toBe(0);
    expect((await list({ operationID: recent })).total).toBe(1);
  });
});
