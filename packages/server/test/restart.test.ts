// A restart on the same SQLite file: data survives, tokens stay valid, revoked tokens stay revoked.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from './harness.js';

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
  expect((await s.client.ok('/group/get_group_member_user_id', { groupID: g.groupID }, ownerToken)).userIDs).toEqual(['owner', 'member']);
  const inbox = await s.client.ok('/group/get_recv_group_applicationList', { fromUserID: 'owner', pagination: page() }, ownerToken);
  expect(inbox.groupRequests.map((r: any) => [r.userInfo.userID, r.reqMsg])).toEqual([['applicant', 'please']]);
  expect((await s.client.post('/group/get_joined_group_list', { fromUserID: 'revoked', pagination: page() }, revokedToken)).errCode).toBe(1506);
  expect((await s.client.ok('/auth/parse_token', { token: applicantToken })).userID).toBe('applicant');
});

it('generates an admin secret once, keeps it in the data directory and reuses it', async () => {
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
});
