// The group reads OpenIM has beside the SDKs' sync: the app admin's group search, member-list
// fingerprints, a group's requests from given users, and the count of a manager's pending requests.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './clock.js';
import { createGroup, page, startServer, type TestServer } from './harness.js';

let s: TestServer;
const clock = testClock();
let n = 0;
const uid = (p: string) => `${p}${++n}`;

beforeAll(async () => {
  s = await startServer({ now: clock.now });
});
afterAll(async () => s.close());

async function errCode(path: string, body: unknown, token = s.adminToken) {
  return (await s.client.post(path, body, token)).errCode;
}

describe('get_groups', () => {
  it('finds groups by name (any case, dismissed ones left out), newest first, a page at a time', async () => {
    const owner = uid('owner');
    await s.register({ userID: owner, nickname: 'Olive' });
    const tag = uid('Trail');
    const made = [];
    for (const name of [`${tag} one`, `the ${tag.toLowerCase()} two`, `${tag.toUpperCase()} three`, `${tag} gone`]) {
      clock.advance(1000);
      made.push(await createGroup(s, { owner, groupName: name }));
    }
    await s.client.ok('/group/dismiss_group', { groupID: made[3].groupID, deleteMember: false }, s.adminToken);
    const first = await s.client.ok('/group/get_groups', { groupName: tag, pagination: page(1, 2) }, s.adminToken);
    expect(first.total).toBe(3);
    expect(first.groups.map((g: any) => g.groupInfo.groupID)).toEqual([made[2].groupID, made[1].groupID]);
    expect(first.groups[0]).toEqual({ groupInfo: made[2], groupOwnerUserName: 'Olive', groupOwnerUserID: owner });
    const second = await s.client.ok('/group/get_groups', { groupName: tag, pagination: page(2, 2) }, s.adminToken);
    expect(second.groups.map((g: any) => g.groupInfo.groupID)).toEqual([made[0].groupID]);
    // A groupID finds that group, dismissed or not, whatever the name says.
    const byID = await s.client.ok(
      '/group/get_groups',
      { groupID: made[3].groupID, groupName: 'nothing like it', pagination: page() },
      s.adminToken,
    );
    expect(byID.total).toBe(1);
    expect(byID.groups[0].groupInfo).toMatchObject({ groupID: made[3].groupID, status: 2 });
    expect(
      await s.client.ok('/group/get_groups', { groupID: 'no-such-group', pagination: page() }, s.adminToken),
    ).toEqual({ total: 0, groups: [] });
    // LIKE's wildcards are plain characters here.
    expect((await s.client.ok('/group/get_groups', { groupName: '%', pagination: page() }, s.adminToken)).total).toBe(
      0,
    );
  });

  it('is for app admins only; the pagination is required', async () => {
    const owner = uid('owner');
    await s.register(owner);
    expect(await errCode('/group/get_groups', { groupName: '', pagination: page() }, await s.tokenFor(owner))).toBe(
      1002,
    );
    expect(await errCode('/group/get_groups', { groupName: '' })).toBe(1001);
  });
});

describe('get_group_abstract_info', () => {
  /** OpenIM's hash: the MD5 of the members (GroupMemberFullInfo, userID order) as Go writes them. */
  const hashOf = (members: any[]) =>
    Number(
      createHash('md5')
        .update(JSON.stringify([...members].sort((a, b) => (a.userID < b.userID ? -1 : 1))))
        .digest()
        .readBigUInt64BE(0),
    );

  it('gives each group its member count and member hash, which moves when a member changes', async () => {
    const [owner, zed, amy] = [uid('owner'), uid('zed'), uid('amy')];
    await s.register(owner, zed, amy);
    const g = await createGroup(s, { owner, members: [zed, amy] });
    const solo = await createGroup(s, { owner });
    const asZed = await s.tokenFor(zed);
    const members = async (groupID: string) =>
      (await s.client.ok('/group/get_group_member_list', { groupID, pagination: page() }, s.adminToken)).members;
    const info = async () =>
      (await s.client.ok('/group/get_group_abstract_info', { groupIDs: [g.groupID] }, asZed)).groupAbstractInfos[0];
    const before = await info();
    expect(before).toEqual({
      groupID: g.groupID,
      groupMemberNumber: 3,
      groupMemberListHash: hashOf(await members(g.groupID)),
    });
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: amy, nickname: 'A.' }] },
      s.adminToken,
    );
    const after = await info();
    expect(after.groupMemberListHash).not.toBe(before.groupMemberListHash);
    expect(after.groupMemberListHash).toBe(hashOf(await members(g.groupID)));
    const both = await s.client.ok(
      '/group/get_group_abstract_info',
      { groupIDs: [solo.groupID, g.groupID] },
      s.adminToken,
    );
    expect(both.groupAbstractInfos.map((x: any) => [x.groupID, x.groupMemberNumber])).toEqual([
      [solo.groupID, 1],
      [g.groupID, 3],
    ]);
  });

  it('refuses no IDs, an ID twice, a group the caller is not in, and an unknown group', async () => {
    const [owner, stranger] = [uid('owner'), uid('stranger')];
    await s.register(owner, stranger);
    const g = await createGroup(s, { owner });
    const path = '/group/get_group_abstract_info';
    expect(await errCode(path, { groupIDs: [] })).toBe(1001);
    expect(await errCode(path, { groupIDs: [g.groupID, g.groupID] })).toBe(1001);
    expect(await errCode(path, { groupIDs: [g.groupID] }, await s.tokenFor(stranger))).toBe(1002);
    expect(await errCode(path, { groupIDs: [g.groupID, 'no-such-group'] })).toBe(1201);
  });
});

describe('join requests by user, and the pending count', () => {
  async function closedGroup() {
    const [owner, admin, member, u1, u2, u3] = [
      uid('owner'),
      uid('admin'),
      uid('member'),
      uid('u'),
      uid('u'),
      uid('u'),
    ];
    await s.register(owner, admin, member, u1, u2, { userID: u3, nickname: 'Third' });
    const g = await createGroup(s, { owner, admins: [admin], members: [member], needVerification: 1 });
    return { owner, admin, member, u1, u2, u3, groupID: g.groupID as string };
  }
  const apply = async (groupID: string, userID: string) => {
    clock.advance(1000);
    await s.client.ok(
      '/group/join_group',
      { groupID, joinSource: 3, reqMessage: `from ${userID}` },
      await s.tokenFor(userID),
    );
    return clock.now();
  };

  it("get_group_users_req_application_list: those users' requests, with their profiles, for managers", async () => {
    const { owner, admin, member, u1, u2, u3, groupID } = await closedGroup();
    await apply(groupID, u1);
    await apply(groupID, u3);
    const path = '/group/get_group_users_req_application_list';
    const got = await s.client.ok(path, { groupID, userIDs: [u1, u2, u3, u3] }, await s.tokenFor(admin));
    expect(got.total).toBe(2);
    expect(got.groupRequests.map((r: any) => [r.userInfo.userID, r.reqMsg])).toEqual([
      [u3, `from ${u3}`],
      [u1, `from ${u1}`],
    ]);
    expect(got.groupRequests[0].userInfo.nickname).toBe('Third');
    expect(got.groupRequests[0].groupInfo.groupID).toBe(groupID);
    expect(await s.client.ok(path, { groupID, userIDs: [u2] }, await s.tokenFor(owner))).toEqual({
      total: 0,
      groupRequests: [],
    });
    expect(await errCode(path, { groupID, userIDs: [u1] }, await s.tokenFor(member))).toBe(1002);
    expect(await errCode(path, { groupID, userIDs: [u1] }, await s.tokenFor(u1))).toBe(1002);
    expect(await errCode(path, { groupID })).toBe(1001);
  });

  it('get_group_application_unhandled_count: pending requests to groups one manages, after a time', async () => {
    const { owner, admin, member, u1, u2, u3, groupID } = await closedGroup();
    const other = await createGroup(s, { owner: member, needVerification: 1 });
    const t1 = await apply(groupID, u1);
    await apply(groupID, u2);
    await apply(other.groupID, u3);
    const count = async (userID: string, time: number, token = s.adminToken) =>
      (await s.client.ok('/group/get_group_application_unhandled_count', { userID, time }, token)).count;
    expect(await count(owner, 0, await s.tokenFor(owner))).toBe(2);
    expect(await count(admin, 0)).toBe(2);
    expect(await count(owner, t1)).toBe(1);
    expect(await count(member, 0)).toBe(1);
    await s.client.ok(
      '/group/group_application_response',
      { groupID, fromUserID: u2, handleResult: -1, handledMsg: 'no' },
      s.adminToken,
    );
    expect(await count(owner, 0)).toBe(1);
    expect(await count(u1, 0)).toBe(0);
    expect(
      await errCode(
        '/group/get_group_application_unhandled_count',
        { userID: owner, time: 0 },
        await s.tokenFor(admin),
      ),
    ).toBe(1002);
  });
});
