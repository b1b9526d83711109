// The examples, one business server per adapter, as they ship, against a real huddle configured for
// both dialects: every callback is verified and answered (rejections and refused invitees take
// effect), each after-event is handled once, and a replayed event is answered without running again.

import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALLBACKS } from '@huddle/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGroup, page, startServer, type TestServer } from '../../server/test/harness.js';
import { AFTER_KEYS, allDelivered, BEFORE_KEYS, configureEndpoints, hasTencent } from './huddle.js';
import { fetchBridge, listen } from './http.js';
import { SDK_APP_ID, SECRET, TOKEN } from './requests.js';
import { liveOneGroup } from './scenario.js';

// What the examples read from their environment, as an operator would set it.
Object.assign(process.env, {
  HUDDLE_SIGNING_SECRET: SECRET,
  TENCENT_SDKAPPID: SDK_APP_ID,
  TENCENT_TOKEN: TOKEN,
  PORT: '0',
});
// The examples' audit lines are what they were seen to handle.
const audit: string[] = [];
vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void audit.push(args.map(String).join(' ')));

const closers: (() => Promise<unknown>)[] = [];
const listening = async (server: Server) => {
  if (!server.listening) await once(server, 'listening');
  closers.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const EXAMPLES: Record<string, () => Promise<string>> = {
  'node-http': async () => listening((await import('../examples/node-http.js')).server),
  express: async () => listening((await import('../examples/express.js')).server),
  fastify: async () => listening((await import('../examples/fastify.js')).app.server),
  fetch: async () => {
    const server = await listen(fetchBridge((await import('../examples/fetch.js')).default.fetch));
    closers.push(server.close);
    return server.url;
  },
};

/** Per Tencent command, the hook whose handler gets it: the first of those sharing it. */
const TENCENT_ROUTES = [...new Set(AFTER_KEYS.filter(hasTencent).map((k) => CALLBACKS[k].tencent!.command))].map(
  (c) => AFTER_KEYS.find((k) => CALLBACKS[k].tencent?.command === c)!,
);

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ env: { HUDDLE_MAX_GROUP_MEMBERS: '6' } });
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await s.close();
});

const memberIDs = async (groupID: string) =>
  (await s.client.ok('/group/get_group_member_list', { groupID, pagination: page() }, s.adminToken)).members.map(
    (m: { userID: string }) => m.userID,
  );

/** The business rules the examples share, seen from huddle's side: a refused name, a refused bot. */
async function expectRules(prefix: string, rejectedWith: number) {
  const [o, bot, i] = [`${prefix}_o`, `bot_${prefix}`, `${prefix}_i`];
  await s.register(o, bot, i);
  const casino = await s.client.post(
    '/group/create_group',
    { ownerUserID: o, groupInfo: { groupName: 'Lucky Casino', groupType: 2 } },
    s.adminToken,
  );
  expect(casino.errCode).toBe(rejectedWith);
  const g = await createGroup(s, { owner: o });
  await s.client.ok('/group/invite_user_to_group', { groupID: g.groupID, invitedUserIDs: [bot, i] }, s.adminToken);
  expect(await memberIDs(g.groupID)).toEqual([o, i]);
  return g.groupID;
}

describe.each(Object.keys(EXAMPLES))('examples/%s', (name) => {
  it('verifies, answers and deduplicates every callback of both dialects', async () => {
    const base = `${await EXAMPLES[name]!()}/huddle`;
    const openim = { url: base, signingSecret: SECRET };
    const tencent = { url: base, signingSecret: SECRET, sdkAppId: SDK_APP_ID, token: TOKEN };
    audit.length = 0;

    // OpenIM's dialect decides the before-callbacks; both dialects hear every after-callback.
    await configureEndpoints(s, {
      openim: { ...openim, hooks: [...AFTER_KEYS, ...BEFORE_KEYS] },
      tencent: { ...tencent, hooks: AFTER_KEYS.filter(hasTencent) },
    });
    await expectRules(`${name.replace('-', '')}im`, 5001);
    const life = await liveOneGroup(s, `${name.replace('-', '')}life`);
    const { members } = await s.client.ok(
      '/group/get_group_members_info',
      { groupID: life.groupID, userIDs: [life.member] },
      s.adminToken,
    );
    expect(members[0].ex).toBe('reviewed');
    const { events } = await s.client.ok(
      '/callback/list_events',
      { groupID: life.groupID, pagination: page(1, 1000) },
      s.adminToken,
    );
    await allDelivered(s, life.groupID, events.length);
    const handled = audit.filter((line) => line.startsWith('callback '));
    expect(new Set(handled).size).toBe(handled.length);
    for (const key of AFTER_KEYS)
      expect(
        handled.some((l) => l.startsWith(`callback openim ${key} evt_`)),
        key,
      ).toBe(true);
    for (const key of TENCENT_ROUTES)
      expect(
        handled.some((l) => l.startsWith(`callback tencent ${key} evt_`)),
        key,
      ).toBe(true);

    // A replayed event goes out again with its webhook-id: answered, not handled twice.
    const [created] = events.filter((e: { hook: string }) => e.hook === 'afterCreateGroup');
    const before = audit.length;
    await s.client.ok('/callback/replay_event', { eventID: created.eventID }, s.adminToken);
    for (let attempts = 1; attempts < 2; await new Promise((r) => setTimeout(r, 20))) {
      attempts = (await s.client.ok('/callback/get_event', { eventID: created.eventID }, s.adminToken)).attempts.length;
    }
    await allDelivered(s, life.groupID, events.length);
    expect(audit.length).toBe(before);

    // Tencent's dialect decides: a plain rejection reaches the caller as 10016.
    await configureEndpoints(s, { tencent: { ...tencent, hooks: BEFORE_KEYS.filter(hasTencent) } });
    await expectRules(`${name.replace('-', '')}tc`, 10016);
  });
});
