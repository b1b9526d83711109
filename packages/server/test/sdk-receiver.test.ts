// huddle's delivery guarantees with the receiver SDK (@huddle/receiver) as the business server:
// an answer lost to a timeout is retried and a delivered event replayed, yet the handler runs once
// per event; a before-hook handler that throws is a failed callback, decided by failedContinue.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { allow, createReceiver, nodeHandler } from '@huddle/receiver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, startServer, type TestServer } from './harness.js';
import { eventually } from './wait.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

let s: TestServer;
let url: string;
let server: http.Server;
/** Group IDs of afterCreateGroup events, once per run of the handler. */
const created: string[] = [];
let slowFirstRun = false;
let failBefore = false;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

beforeAll(async () => {
  const receiver = createReceiver({ openim: { signingSecret: SECRET }, onError: () => {} })
    .on('afterCreateGroup', async (e) => {
      if (e.dialect !== 'openim') return;
      created.push(e.body.groupID);
      // Outlasts huddle's timeout: the answer comes too late, so huddle retries.
      if (slowFirstRun && created.length === 1) await new Promise((r) => setTimeout(r, 700));
    })
    .on('beforeSetGroupInfo', () => {
      if (failBefore) throw new Error('policy service unreachable');
      return allow();
    });
  server = http.createServer(nodeHandler(receiver));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/huddle`;
  s = await startServer();
});
afterAll(async () => {
  await s.close();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  created.length = 0;
  slowFirstRun = false;
  failBefore = false;
});

async function configure(failedContinue = true, beforeTimeout = 2) {
  await s.client.ok(
    '/callback/set_config',
    {
      config: {
        url,
        signingSecret: SECRET,
        retrySchedule: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
        afterCreateGroup: { enable: true, timeout: 0.3 },
        beforeSetGroupInfo: { enable: true, timeout: beforeTimeout, failedContinue },
      },
    },
    s.adminToken,
  );
}

/** The group's afterCreateGroup event, once it is delivered with at least `attempts` attempts. */
const delivered = (groupID: string, attempts = 1) =>
  eventually(
    async () => {
      const { events } = await s.client.ok(
        '/callback/list_events',
        { groupID, hook: 'afterCreateGroup', pagination: { pageNumber: 1, showNumber: 10 } },
        s.adminToken,
      );
      const event = events[0] as { eventID: string; status: string; attempts: number } | undefined;
      return event?.status === 'delivered' && event.attempts >= attempts && event;
    },
    10_000,
    'delivery',
  );

describe('at-least-once delivery to an SDK receiver', () => {
  it('retries an answer lost to a timeout, and the handler still runs once', async () => {
    await configure();
    slowFirstRun = true;
    const o = uid('o');
    await s.register(o);
    const g = await createGroup(s, { owner: o });
    expect((await delivered(g.groupID)).attempts).toBeGreaterThan(1);
    expect(created).toEqual([g.groupID]);
  });

  it('replays a delivered event with its webhook-id, answered without running the handler again', async () => {
    await configure();
    const o = uid('o');
    await s.register(o);
    const g = await createGroup(s, { owner: o });
    const first = await delivered(g.groupID);
    await s.client.ok('/callback/replay_event', { eventID: first.eventID }, s.adminToken);
    expect((await delivered(g.groupID, first.attempts + 1)).attempts).toBe(first.attempts + 1);
    expect(created).toEqual([g.groupID]);
  });
});

describe('a before-hook handler that throws', () => {
  it('is a failed callback: failedContinue true proceeds, false refuses with 90004', async () => {
    const o = uid('o');
    await s.register(o);
    const g = await createGroup(s, { owner: o });
    failBefore = true;
    await configure(true);
    await s.client.ok(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'kept' } },
      s.adminToken,
    );
    // A time-out longer than the test's own: only the handler's failure answered at once can end the call.
    await configure(false, 300);
    const refused = await s.client.post(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'refused' } },
      s.adminToken,
    );
    expect(refused.errCode).toBe(90004);
    const [info] = (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, s.adminToken)).groupInfos;
    expect(info.groupName).toBe('kept');
  });
});
