// Concurrent writers over the same groups in opposite orders: set_group_member_info over [G1, G2]
// and [G2, G1] at once. Writers lock groups in one fixed order and the store retries a deadlock or
// serialization failure, so a race never reaches the caller as errCode 500.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createGroup, startServer, type TestServer } from './harness.js';

let s: TestServer;

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.close();
});

describe('set_group_member_info over several groups at once', () => {
  it('answers every one of 120 concurrent requests over [G1, G2] and [G2, G1] with success', async () => {
    const members = Array.from({ length: 6 }, (_, i) => `lo_m${i}`);
    await s.register('lo_owner', ...members);
    const g1 = (await createGroup(s, { owner: 'lo_owner', members })).groupID as string;
    const g2 = (await createGroup(s, { owner: 'lo_owner', members })).groupID as string;
    // Several clients, so many requests are in the server at once.
    const clients = Array.from({ length: 4 }, () => new Client(s.client.url));
    try {
      const results = await Promise.all(
        Array.from({ length: 120 }, (_, i) => {
          const m = members[i % members.length]!;
          const [first, second] = i % 2 === 0 ? [g1, g2] : [g2, g1];
          const body = {
            members: [
              { groupID: first, userID: m, nickname: `n${i}` },
              { groupID: second, userID: m, ex: `e${i}` },
            ],
          };
          return clients[i % clients.length]!.post('/group/set_group_member_info', body, s.adminToken);
        }),
      );
      const failed = results.filter((r) => r.errCode !== 0);
      expect(failed.map((r) => `${r.errCode} ${r.errMsg}`)).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
