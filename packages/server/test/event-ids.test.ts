// Outbox event IDs never repeat: one invite of 1,000 users with afterMemberJoinGroup enabled on five
// endpoints writes 5,000 events in one transaction (one millisecond). Each has its own ID, and IDs
// follow the commit order. Before, IDs repeated within a millisecond and the invite answered 500.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, startServer, type TestServer } from './harness.js';
import { startReceiver, type Receiver } from './receiver.js';

let s: TestServer;
let rx: Receiver;

beforeAll(async () => {
  rx = await startReceiver();
  s = await startServer();
});
afterAll(async () => {
  await s.close();
  await rx.close();
});

describe('event IDs', () => {
  it('gives 5,000 events of one invite distinct IDs, in commit order', async () => {
    const hooks = { afterMemberJoinGroup: { enable: true } };
    const endpoints = ['e1', 'e2', 'e3', 'e4'].map((name) => ({ name, url: rx.url, hooks }));
    await s.client.ok('/callback/set_config', { config: { url: rx.url, ...hooks, endpoints } }, s.adminToken);

    const invited = Array.from({ length: 1000 }, (_, i) => `ev_u${i}`);
    await s.register('ev_owner');
    await s.client.ok(
      '/user/user_register',
      { users: invited.map((userID) => ({ userID, nickname: userID })) },
      s.adminToken,
    );
    const g = await createGroup(s, { owner: 'ev_owner' });
    const res = await s.client.post(
      '/group/invite_user_to_group',
      { groupID: g.groupID, invitedUserIDs: invited },
      await s.tokenFor('ev_owner'),
    );
    expect(res.errCode, res.errDlt).toBe(0);

    const rows = await s.query<{ id: string }>(
      `SELECT id FROM webhook_events WHERE hook = 'afterMemberJoinGroup' ORDER BY seq`,
    );
    expect(rows.length).toBe(5000);
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(5000);
    expect(ids).toEqual([...ids].sort());
    const [count] = await s.query<{ n: number }>(
      `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM group_members WHERE group_id = '${g.groupID}'`,
    );
    expect(count?.n).toBe(1001);
  });
});
