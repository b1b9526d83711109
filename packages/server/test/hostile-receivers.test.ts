// Business servers that misbehave: they hang, trickle bytes, answer 10 MB or without end, answer
// HTML, close the socket mid-body, redirect, or put wrong types in the fields a hook may modify.
// Before-callbacks end as the hook's failedContinue says (proceed unmodified, or 90004/90007 with
// nothing written); after-callbacks are retried on the retry schedule and then dead-lettered. All
// along the API answers other callers at once, and huddle reads no more than 1 MiB of any answer.

import type http from 'node:http';
import { CALLBACKS, type CallbackKey } from '@huddle/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, startServer, type TestServer } from './harness.js';
import { startReceiver, webhooksDocument, type Answer, type HookEntry, type Receiver } from './receiver.js';
import { eventually } from './wait.js';

const MIB = 1024 * 1024;
const cmd = (key: CallbackKey) => CALLBACKS[key].openim.command;

let s: TestServer;
let rx: Receiver;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

beforeAll(async () => {
  rx = await startReceiver();
  s = await startServer();
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

/** Sets the hooks through the admin API, with a short retry schedule: three attempts in all. */
async function configure(hooks: Record<string, HookEntry>): Promise<void> {
  await s.client.ok(
    '/callback/set_config',
    { config: webhooksDocument({ url: rx.url, retrySchedule: [0.05, 0.05], hooks }) },
    s.adminToken,
  );
}

// ---------------------------------------------------------------------------------------------
// The hostile answers

/** Bytes a receiver managed to hand to huddle's connection before it closed. */
interface Probe {
  written: number;
}

/** Streams `head`, then `fill` up to `total` bytes (Infinity: without end) with backpressure, then `tail`. */
function stream(res: http.ServerResponse, probe: Probe, head: string, fill: string, total: number, tail: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(head);
  const chunk = fill.repeat(Math.ceil((64 * 1024) / fill.length));
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      probe.written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end(tail);
  };
  pump();
}

interface Hostile {
  name: string;
  answer: (probe: Probe) => Answer;
  /** How the failure is classed: no usable HTTP answer (90004), or an answer huddle cannot use (90007). */
  cause: 'transport' | 'data';
  /** Slow enough that a concurrent call must visibly overtake it. */
  slow?: boolean;
}

const HOSTILE: Hostile[] = [
  { name: 'hangs', answer: () => ({ delayMs: 60_000 }), cause: 'transport', slow: true },
  {
    name: 'trickles a byte every 100 ms',
    answer: () => ({
      raw: (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"actionCode":0');
        const timer = setInterval(() => res.write(' '), 100);
        res.on('close', () => clearInterval(timer));
      },
    }),
    cause: 'transport',
    slow: true,
  },
  // An answer over 1 MiB is no usable answer: huddle stops reading at the cap.
  {
    name: 'answers 10 MB of JSON',
    answer: (p) => ({ raw: (res) => stream(res, p, '{"actionCode":0,"pad":"', 'x', 10 * MIB, '"}') }),
    cause: 'transport',
  },
  {
    // The first MiB alone would read as a valid rejection: an answer is judged whole or not at all.
    name: 'answers a rejection padded to 10 MB',
    answer: (p) => ({
      raw: (res) => stream(res, p, '{"actionCode":0,"nextCode":1,"errCode":5001,"errMsg":"no"}', ' ', 10 * MIB, ''),
    }),
    cause: 'transport',
  },
  {
    name: 'answers without end',
    answer: (p) => ({ raw: (res) => stream(res, p, '{"pad":"', 'y', Infinity, '') }),
    cause: 'transport',
  },
  {
    name: 'answers an HTML page',
    answer: () => ({ headers: { 'content-type': 'text/html' }, body: '<html><body><h1>It works!</h1></body></html>' }),
    cause: 'data',
  },
  {
    name: 'answers a 502 HTML page',
    answer: () => ({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' }),
    cause: 'transport',
  },
  {
    name: 'closes the socket mid-body',
    answer: () => ({
      raw: (res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"actionCode":0,');
        setTimeout(() => res.socket?.destroy(), 20);
      },
    }),
    cause: 'transport',
  },
  {
    name: 'redirects',
    answer: () => ({ status: 307, headers: { location: `${rx.url}/elsewhere` }, body: '' }),
    cause: 'transport',
  },
];

/** Answers each request with the case its groupID was given, so cases may run side by side. */
const caseOfGroup = new Map<string, { hostile: Hostile; probe: Probe }>();
const byGroup = (req: { body: any }): Answer => {
  const c = caseOfGroup.get(req.body?.groupID);
  return c ? c.hostile.answer(c.probe) : {};
};

/** Nothing read past the cap: what got onto the wire is bounded by socket buffers, not the answer. */
function expectBounded(probe: Probe): void {
  expect(probe.written).toBeLessThan(64 * MIB);
}

// ---------------------------------------------------------------------------------------------

describe('before-callbacks against a hostile business server', () => {
  for (const hostile of HOSTILE) {
    for (const failedContinue of [true, false]) {
      it(`${hostile.name}: ${failedContinue ? 'proceeds unmodified' : `refused with ${hostile.cause === 'transport' ? 90004 : 90007}`} (failedContinue ${failedContinue})`, async () => {
        const owner = uid('ho');
        await s.register(owner);
        await configure({});
        const g = await createGroup(s, { owner, groupName: 'before' });
        const probe: Probe = { written: 0 };
        caseOfGroup.set(g.groupID, { hostile, probe });
        // The hook timeout ends only the slow cases; the others answer at once, and a generous
        // timeout keeps a busy machine from turning their answer into a timeout (90004).
        await configure({ beforeSetGroupInfo: { enable: true, timeout: hostile.slow ? 1.5 : 60, failedContinue } });
        rx.answer(cmd('beforeSetGroupInfo'), byGroup);
        const asked = rx.requests(cmd('beforeSetGroupInfo')).length;

        let settled = false;
        const call = s.client
          .post('/group/set_group_info', { groupInfoForSet: { groupID: g.groupID, groupName: 'after' } }, s.adminToken)
          .finally(() => (settled = true));
        await rx.waitForCount(asked + 1, cmd('beforeSetGroupInfo'));
        // The API answers someone else while this callback is stuck.
        const other = await s.client.post('/group/get_groups_info', { groupIDs: [g.groupID] }, s.adminToken);
        expect(other.errCode).toBe(0);
        if (hostile.slow) expect(settled, 'the unrelated call answered first').toBe(false);

        const res = await call;
        const { groupInfos } = await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, s.adminToken);
        if (failedContinue) {
          expect(res.errCode, JSON.stringify(res)).toBe(0);
          expect(groupInfos[0].groupName).toBe('after');
        } else {
          expect(res.errCode, JSON.stringify(res)).toBe(hostile.cause === 'transport' ? 90004 : 90007);
          expect(res.errDlt).not.toContain(rx.url);
          expect(groupInfos[0].groupName).toBe('before');
        }
        expectBounded(probe);
        expect(rx.requests((r) => r.path.endsWith('/elsewhere'))).toEqual([]);
      });
    }
  }
});

describe('modifiable fields with wrong types', () => {
  /** [hook, its answer]: each answer allows, with a modification of the wrong type or out of range. */
  const cases: [CallbackKey, Record<string, unknown>][] = [
    ['beforeSetGroupInfo', { groupName: 123 }],
    ['beforeSetGroupInfo', { needVerification: '1' }],
    ['beforeSetGroupInfo', { ex: { nested: true } }],
    ['beforeSetGroupInfo', { needVerification: 7 }],
    ['beforeSetGroupInfo', { groupName: 'x'.repeat(300) }],
    ['beforeSetGroupMemberInfo', { roleLevel: '60' }],
    ['beforeSetGroupMemberInfo', { nickName: 7 }],
    ['beforeSetGroupMemberInfo', { roleLevel: 100 }],
    ['beforeMemberJoinGroup', { memberCallbackList: 'everyone' }],
    ['beforeMemberJoinGroup', { memberCallbackList: [{ userID: 5, roleLevel: 60 }] }],
    ['beforeInviteUserToGroup', { refusedMembersAccount: 'all' }],
    ['beforeInviteUserToGroup', { refusedMembersAccount: [1, 2] }],
  ];

  for (const [hook, answer] of cases) {
    for (const failedContinue of [true, false]) {
      it(`${hook} answering ${JSON.stringify(answer).slice(0, 60)}: ${failedContinue ? 'proceeds unmodified' : 'refused with 90007, nothing written'}`, async () => {
        const [owner, member, guest] = [uid('wo'), uid('wm'), uid('wg')];
        await s.register(owner, member, guest);
        await configure({});
        const g = await createGroup(s, { owner, members: [member] });
        await configure({ [hook]: { enable: true, timeout: 2, failedContinue } });
        rx.answer(cmd(hook), { body: { actionCode: 0, ...answer } });
        const state = async () => {
          const info = (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, s.adminToken))
            .groupInfos[0];
          const list = await s.client.ok(
            '/group/get_group_member_list',
            { groupID: g.groupID, pagination: { pageNumber: 1, showNumber: 100 } },
            s.adminToken,
          );
          return {
            name: info.groupName,
            needVerification: info.needVerification,
            ex: info.ex,
            members: list.members.map((m: any) => `${m.userID}:${m.roleLevel}:${m.nickname}`).sort() as string[],
          };
        };
        const before = await state();
        const call: Record<string, () => Promise<{ errCode: number }>> = {
          beforeSetGroupInfo: () =>
            s.client.post(
              '/group/set_group_info',
              { groupInfoForSet: { groupID: g.groupID, groupName: 'renamed' } },
              s.adminToken,
            ),
          beforeSetGroupMemberInfo: () =>
            s.client.post(
              '/group/set_group_member_info',
              { members: [{ groupID: g.groupID, userID: member, nickname: 'nick' }] },
              s.adminToken,
            ),
          beforeMemberJoinGroup: () =>
            s.client.post('/group/invite_user_to_group', { groupID: g.groupID, invitedUserIDs: [guest] }, s.adminToken),
          beforeInviteUserToGroup: () =>
            s.client.post('/group/invite_user_to_group', { groupID: g.groupID, invitedUserIDs: [guest] }, s.adminToken),
        };
        const res = await call[hook]!();
        expect(rx.requests(cmd(hook)).length).toBeGreaterThan(0);
        const after = await state();
        if (!failedContinue) {
          expect(res.errCode, JSON.stringify(res)).toBe(90007);
          expect(after).toEqual(before);
          return;
        }
        expect(res.errCode, JSON.stringify(res)).toBe(0);
        // Exactly what the caller asked for, nothing the answer said.
        const asked = {
          beforeSetGroupInfo: { ...before, name: 'renamed' },
          beforeSetGroupMemberInfo: {
            ...before,
            members: before.members.map((m) => (m.startsWith(`${member}:`) ? `${member}:20:nick` : m)).sort(),
          },
          beforeMemberJoinGroup: { ...before, members: [...before.members, `${guest}:20:${guest}`].sort() },
          beforeInviteUserToGroup: { ...before, members: [...before.members, `${guest}:20:${guest}`].sort() },
        }[hook as string];
        expect(after).toEqual(asked);
      });
    }
  }
});

describe('after-callbacks against a hostile business server', () => {
  /** One group per hostile answer, whose afterSetGroupInfo the receiver answers that way. */
  async function runAgainst(cases: Hostile[]) {
    rx.answer(cmd('afterSetGroupInfo'), byGroup);
    const owner = uid('ao');
    await s.register(owner);
    return Promise.all(
      cases.map(async (hostile) => {
        const g = await createGroup(s, { owner });
        const probe: Probe = { written: 0 };
        caseOfGroup.set(g.groupID, { hostile, probe });
        await s.client.ok(
          '/group/set_group_info',
          { groupInfoForSet: { groupID: g.groupID, groupName: 'changed' } },
          s.adminToken,
        );
        return { hostile, probe, groupID: g.groupID };
      }),
    );
  }

  // A 2xx is delivered whatever its body (an HTML page here): the unreadable body is noted on the
  // attempt; no retry holds the group back.
  it('delivers a 2xx HTML page on the first attempt, noting the body it could not read', async () => {
    await configure({ afterSetGroupInfo: { enable: true, timeout: 60 } });
    const [run] = await runAgainst(HOSTILE.filter((h) => h.cause === 'data'));
    const event = await eventually(
      async () => {
        const [e] = await s.query<{ id: string; status: string; attempts: number }>(
          `SELECT id, status, attempts FROM webhook_events WHERE ordering_key = '${run!.groupID}' AND hook = 'afterSetGroupInfo'`,
        );
        return e && e.status !== 'pending' ? e : undefined;
      },
      30_000,
      'the event delivered',
    );
    expect(event).toMatchObject({ status: 'delivered', attempts: 1 });
    const [attempt] = await s.query<{ outcome: string; error: string }>(
      `SELECT outcome, error FROM webhook_attempts WHERE event_id = '${event.id}'`,
    );
    expect(attempt).toEqual({ outcome: 'success', error: 'response body is not JSON' });
  });

  it('retries each failing event on the schedule, then dead-letters it, while the API keeps answering', async () => {
    // Every case fails whatever the machine's speed (a timeout is one more failure), so 1 s is safe.
    await configure({ afterSetGroupInfo: { enable: true, timeout: 1 } });
    // One group per hostile answer: the groups are delivered side by side.
    const runs = await runAgainst(HOSTILE.filter((h) => h.cause === 'transport'));
    // While the worker is stuck on the slow answers, calls go through.
    await rx.waitFor((rs) => runs.every((r) => rs.some((q) => q.body?.groupID === r.groupID)));
    for (let i = 0; i < 5; i++)
      expect(
        (await s.client.post('/group/get_groups_info', { groupIDs: [runs[0]!.groupID] }, s.adminToken)).errCode,
      ).toBe(0);

    for (const run of runs) {
      const event = await eventually(
        async () => {
          const [e] = await s.query<{ id: string; status: string; attempts: number; last_error: string }>(
            `SELECT id, status, attempts, last_error FROM webhook_events WHERE ordering_key = '${run.groupID}' AND hook = 'afterSetGroupInfo'`,
          );
          return e?.status === 'dead' ? e : undefined;
        },
        20_000,
        `${run.hostile.name}: the event dead-lettered`,
      );
      expect(event.attempts, run.hostile.name).toBe(3);
      expect(event.last_error, run.hostile.name).not.toBe('');
      expect(event.last_error, run.hostile.name).not.toContain(rx.url);
      const attempts = await s.query<{ outcome: string; status_code: number | null; response_excerpt: string }>(
        `SELECT outcome, status_code, response_excerpt FROM webhook_attempts WHERE event_id = '${event.id}' ORDER BY attempt`,
      );
      expect(attempts, run.hostile.name).toHaveLength(3);
      for (const a of attempts) {
        expect(a.outcome).not.toBe('success');
        // The log keeps an excerpt, never the whole answer.
        expect(a.response_excerpt.length).toBeLessThanOrEqual(4096);
      }
      expectBounded(run.probe);
    }
    expect(rx.requests((r) => r.path.endsWith('/elsewhere'))).toEqual([]);
  });
});
