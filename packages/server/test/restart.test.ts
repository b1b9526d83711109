// A restart on the same database (the SQLite file, or the PostgreSQL database): data survives,
// tokens stay valid, revoked tokens stay revoked; a generated admin secret is kept and reused.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createGroup, createPgDatabase, page, startServer, TEST_ENGINE, type TestServer } from './harness.js';

let s: TestServer | undefined;
afterAll(async () => {
  await s?.close();
});

it('keeps groups, members, requests and the token registry across a restart', async () => {
  s = await startServer();
  const dir = s.dir;
  await s.register('owner', 'member', 'applicant', 'revoked');
  const g = await createGroup(s, { owner: 'owner', members: ['member'], groupName: 'persist' });
  const ownerToken = await s.tokenFor('owner');
  const applicantToken = await s.tokenFor('applicant');
  const revokedToken = await s.tokenFor('revoked', 2);
  await s.client.ok('/group/join_group', { groupID: g.groupID, joinSource: 3, reqMessage: 'please' }, applicantToken);
  await s.client.ok('/auth/force_logout', { userID: 'revoked', platformID: 2 }, s.adminToken);
  await s.stop();

  s = await startServer({ dir });
  const [info] = (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, ownerToken)).groupInfos;
  expect(info).toEqual(g);
  expect((await s.client.ok('/group/get_group_member_user_id', { groupID: g.groupID }, ownerToken)).userIDs).toEqual([
    'owner',
    'member',
  ]);
  const inbox = await s.client.ok(
    '/group/get_recv_group_applicationList',
    { fromUserID: 'owner', pagination: page() },
    ownerToken,
  );
  expect(inbox.groupRequests.map((r: any) => [r.userInfo.userID, r.reqMsg])).toEqual([['applicant', 'please']]);
  expect(
    (await s.client.post('/group/get_joined_group_list', { fromUserID: 'revoked', pagination: page() }, revokedToken))
      .errCode,
  ).toBe(1506);
  expect((await s.client.ok('/auth/parse_token', { token: applicantToken })).userID).toBe('applicant');
});

it.skipIf(TEST_ENGINE !== 'sqlite')(
  'SQLite: generates an admin secret once, keeps it in the data directory and reuses it',
  async () => {
    const first = await startServer({ env: { HUDDLE_SECRET: '' } });
    try {
      expect(first.app.secret.generated).toBe(true);
      const file = path.join(first.dir, 'secret');
      expect(first.app.secret.file).toBe(file);
      const stored = fs.readFileSync(file, 'utf8').trim();
      expect(stored).toBe(first.app.secret.secret);
      expect(stored.length).toBeGreaterThanOrEqual(40);
      expect(fs.statSync(file).mode & 0o077).toBe(0);
      const token = first.adminToken;
      await first.stop();

      const second = await startServer({ dir: first.dir, env: { HUDDLE_SECRET: '' } });
      expect(second.app.secret).toMatchObject({ generated: false, secret: stored });
      // Tokens signed before the restart still verify with the kept secret.
      expect((await second.client.ok('/auth/parse_token', { token })).userID).toBe('imAdmin');
      await second.stop();
    } finally {
      await first.close();
    }
  },
);

it.skipIf(TEST_ENGINE !== 'postgres')(
  'PostgreSQL: instances on one database share one generated admin secret, kept in the database',
  async () => {
    const first = await startServer({ env: { HUDDLE_SECRET: '' } });
    try {
      expect(first.app.secret).toMatchObject({ generated: true, file: undefined });
      expect(first.app.secret.where).toMatch(/admin_secret/);
      const stored = await first.query<{ value: string }>("SELECT value FROM settings WHERE key = 'admin_secret'");
      expect(stored).toEqual([{ value: first.app.secret.secret }]);
      expect(stored[0]!.value.length).toBeGreaterThanOrEqual(40);
      // Nothing is written to the data directory.
      expect(fs.existsSync(path.join(first.dir, 'secret'))).toBe(false);

      // A second instance on the same database, started while the first runs, without HUDDLE_SECRET.
      const second = await startServer({ database: first.database, env: { HUDDLE_SECRET: '' } });
      try {
        expect(second.app.secret).toMatchObject({ generated: false, file: undefined, secret: first.app.secret.secret });
        // A token either instance signs verifies on the other.
        expect((await second.client.ok('/auth/parse_token', { token: first.adminToken })).userID).toBe('imAdmin');
        expect((await first.client.ok('/auth/parse_token', { token: second.adminToken })).userID).toBe('imAdmin');
      } finally {
        await second.close();
      }
      // The second's close() left the database to the first, which still serves from it.
      expect((await first.client.ok('/auth/parse_token', { token: first.adminToken })).userID).toBe('imAdmin');
      const token = first.adminToken;
      await first.stop();

      // Every instance stopped: a restart still finds the same secret.
      const third = await startServer({ dir: first.dir, env: { HUDDLE_SECRET: '' } });
      expect(third.app.secret).toMatchObject({ generated: false, secret: first.app.secret.secret });
      expect((await third.client.ok('/auth/parse_token', { token })).userID).toBe('imAdmin');
      await third.stop();
    } finally {
      await first.close();
    }
  },
);

it.skipIf(TEST_ENGINE !== 'postgres')(
  'PostgreSQL: two instances starting at once on an empty database generate one secret between them',
  async () => {
    const db = await createPgDatabase();
    const started: TestServer[] = [];
    try {
      const results = await Promise.allSettled(
        [0, 1].map(() => startServer({ database: db.url, env: { HUDDLE_SECRET: '' } })),
      );
      for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
      for (const r of results) if (r.status === 'rejected') throw r.reason;
      const [a, b] = started as [TestServer, TestServer];
      expect(a.app.secret.secret).toBe(b.app.secret.secret);
      expect([a.app.secret.generated, b.app.secret.generated].filter(Boolean)).toHaveLength(1);
      expect((await a.client.ok('/auth/parse_token', { token: b.adminToken })).userID).toBe('imAdmin');
      expect(await a.query("SELECT value FROM settings WHERE key = 'admin_secret'")).toEqual([
        { value: a.app.secret.secret },
      ]);
    } finally {
      for (const s of started) await s.close();
      await db.drop();
    }
  },
);
