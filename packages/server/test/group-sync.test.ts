// OpenIM's version sync of groups over REST: a user's joined groups and a group's members as deltas
// since the client's version (full answers carry every item in `insert`), the full ID lists with
// their idHash, the batch of member syncs, and who may read what.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './clock.js';
import { UNWRITTEN_LOG } from '../src/domain/group-sync.js';
import { createGroup, startServer, type TestServer } from './harness.js';

let s: TestServer;
const clock = testClock();
let n = 0;
const uid = (p: string) => `${p}${++n}`;

beforeAll(async () => {
  s = await startServer({ now: clock.now });
});
afterAll(async () => s.close());

type Version = { version: number; versionID: string };
const START: Version = { version: 0, versionID: '' };

/** Time moves on between operations, so joining order is also time order. */
async function later<T>(op: Promise<T>): Promise<T> {
  clock.advance(1000);
  return op;
}

const joinGroups = (userID: string, v: Version = START, token = s.adminToken) =>
  s.client.ok('/group/get_incremental_join_groups', { userID, ...v }, token);
const memberSync = (groupID: string, v: Version = START, token = s.adminToken) =>
  s.client.ok('/group/get_incremental_group_members', { groupID, ...v }, token);
const versionOf = (answer: { version: number; versionID: string }): Version => ({
  version: answer.version,
  versionID: answer.versionID,
});

/** The IDs in an answer's lists, to compare whole answers at a glance (only insert's order matters). */
function ids(answer: any, key: 'groupID' | 'userID') {
  return {
    full: answer.full,
    // Member deltas answer null for an empty list, as OpenIM.
    insert: (answer.insert ?? []).map((x: any) => x[key]),
    update: (answer.update ?? []).map((x: any) => x[key]).sort(),
    delete: [...(answer.delete ?? [])].sort(),
  };
}

const nothing = { full: false, insert: [], update: [], delete: [] };
/** A member delta with nothing in it, as it comes: OpenIM answers empty lists as null. */
const noMembers = { full: false, insert: null, update: null, delete: null };

async function team(extra: { needVerification?: number } = {}) {
  const [owner, a, b, c] = [uid('owner'), uid('a'), uid('b'), uid('c')];
  await s.register(owner, a, b, c);
  const g = await later(createGroup(s, { owner, members: [a, b, c], ...extra }));
  return { owner, a, b, c, groupID: g.groupID as string };
}

async function errCode(path: string, body: unknown, token = s.adminToken) {
  const env = await s.client.post(path, body, token);
  return env.errCode;
}

describe('joined groups', () => {
  it('version 0 answers full, every joined group in insert in joining order; then nothing', async () => {
    const [owner, alice] = [uid('owner'), uid('alice')];
    await s.register(owner, alice);
    const first = await later(createGroup(s, { owner, members: [alice], groupName: 'first' }));
    const second = await later(createGroup(s, { owner: alice, groupName: 'second' }));
    const full = await joinGroups(alice);
    expect(ids(full, 'groupID')).toEqual({
      full: true,
      insert: [first.groupID, second.groupID],
      update: [],
      delete: [],
    });
    expect(full.insert[0]).toEqual(first);
    expect(full.insert[1]).toMatchObject({ groupName: 'second', ownerUserID: alice });
    expect(full.version).toBe(2);
    expect(full.versionID).toMatch(/^[0-9a-f]{24}$/);
    expect(full.sortVersion).toBe(0);
    expect(await joinGroups(alice, versionOf(full))).toEqual({ ...versionOf(full), ...nothing, sortVersion: 0 });
  });

  it('after each group operation, the previous version gets exactly what changed', async () => {
    const { owner, a, b, c, groupID } = await team({ needVerification: 2 });
    const d = uid('d');
    await s.register(d);
    let va = versionOf(await joinGroups(a));
    let vb = versionOf(await joinGroups(b));
    let vc = versionOf(await joinGroups(c));
    const vOwner = versionOf(await joinGroups(owner));

    await later(s.client.ok('/group/join_group', { groupID, joinSource: 3 }, await s.tokenFor(d)));
    expect(ids(await joinGroups(d), 'groupID')).toEqual({ full: true, insert: [groupID], update: [], delete: [] });
    expect(ids(await joinGroups(a, va), 'groupID')).toEqual(nothing);

    await later(s.client.ok('/group/quit_group', { groupID }, await s.tokenFor(b)));
    expect(ids(await joinGroups(b, vb), 'groupID')).toEqual({ ...nothing, delete: [groupID] });
    await later(s.client.ok('/group/kick_group', { groupID, kickedUserIDs: [c] }, s.adminToken));
    const kicked = await joinGroups(c, vc);
    expect(ids(kicked, 'groupID')).toEqual({ ...nothing, delete: [groupID] });
    expect(kicked.version).toBe(vc.version + 1);
    vb = versionOf(await joinGroups(b, vb));
    vc = versionOf(kicked);

    await later(
      s.client.ok('/group/set_group_info', { groupInfoForSet: { groupID, groupName: 'renamed' } }, s.adminToken),
    );
    let delta = await joinGroups(a, va);
    expect(ids(delta, 'groupID')).toEqual({ ...nothing, update: [groupID] });
    expect(delta.update[0].groupName).toBe('renamed');
    va = versionOf(delta);

    await later(s.client.ok('/group/mute_group', { groupID }, s.adminToken));
    delta = await joinGroups(a, va);
    expect(ids(delta, 'groupID')).toEqual({ ...nothing, update: [groupID] });
    expect(delta.update[0].status).toBe(3);
    va = versionOf(delta);

    await later(
      s.client.ok('/group/transfer_group', { groupID, oldOwnerUserID: owner, newOwnerUserID: a }, s.adminToken),
    );
    delta = await joinGroups(a, va);
    expect(ids(delta, 'groupID')).toEqual({ ...nothing, update: [groupID] });
    expect(delta.update[0].ownerUserID).toBe(a);

    // From before all of it: still a member, the group changed; b and c left and are told nothing more.
    expect(ids(await joinGroups(owner, vOwner), 'groupID')).toEqual({ ...nothing, update: [groupID] });
    expect(ids(await joinGroups(b, vb), 'groupID')).toEqual(nothing);
    expect(ids(await joinGroups(c, vc), 'groupID')).toEqual(nothing);
  });

  it('starts over on another versionID, on a version ahead of the log, and on version 0', async () => {
    const { a, groupID } = await team();
    const v = versionOf(await joinGroups(a));
    const everything = { full: true, insert: [groupID], update: [], delete: [] };
    expect(ids(await joinGroups(a, { ...v, versionID: 'aaaaaaaaaaaaaaaaaaaaaaaa' }), 'groupID')).toEqual(everything);
    expect(ids(await joinGroups(a, { ...v, version: v.version + 5 }), 'groupID')).toEqual(everything);
    expect(ids(await joinGroups(a, { ...v, version: 0 }), 'groupID')).toEqual(everything);
    expect((await joinGroups(a, { ...v, versionID: 'x' })).versionID).toBe(v.versionID);
  });

  it('a user without groups gets an empty full answer; a user reads only their own', async () => {
    const [lonely, other] = [uid('lonely'), uid('other')];
    await s.register(lonely, other);
    // A log ID even before the log exists, as OpenIM (which creates it): "" would read as unsynced.
    expect(await joinGroups(lonely, START, await s.tokenFor(lonely))).toEqual({
      version: 0,
      versionID: UNWRITTEN_LOG.versionID,
      full: true,
      delete: [],
      insert: [],
      update: [],
      sortVersion: 0,
    });
    expect(await errCode('/group/get_incremental_join_groups', { userID: other }, await s.tokenFor(lonely))).toBe(1002);
    expect(await errCode('/group/get_full_join_group_ids', { userID: other }, await s.tokenFor(lonely))).toBe(1002);
  });
});

describe('group members', () => {
  it('version 0 answers every member in joining order with the group; then nothing and no group', async () => {
    const { owner, a, b, c, groupID } = await team();
    const d = uid('d');
    await s.register(d);
    await later(s.client.ok('/group/invite_user_to_group', { groupID, invitedUserIDs: [d] }, s.adminToken));
    const full = await memberSync(groupID, START, await s.tokenFor(a));
    expect(ids(full, 'userID')).toEqual({ full: true, insert: [owner, a, b, c, d], update: [], delete: [] });
    expect(full.group).toMatchObject({ groupID, memberCount: 5, ownerUserID: owner });
    expect(full.insert[0]).toMatchObject({ groupID, userID: owner, roleLevel: 100, nickname: owner });
    const same = await memberSync(groupID, versionOf(full));
    expect(same).toEqual({ ...versionOf(full), ...noMembers, group: null, sortVersion: 0 });
  });

  it('after join, quit, kick, transfer and mute, the previous version gets exactly what changed', async () => {
    const { owner, a, b, c, groupID } = await team({ needVerification: 2 });
    const d = uid('d');
    await s.register(d);
    const start = versionOf(await memberSync(groupID));
    let v = start;
    const step = async (expected: object) => {
      const delta = await memberSync(groupID, v);
      expect(ids(delta, 'userID')).toEqual({ ...nothing, ...expected });
      expect(delta.group.groupID).toBe(groupID);
      v = versionOf(delta);
      return delta;
    };

    await later(s.client.ok('/group/join_group', { groupID, joinSource: 3 }, await s.tokenFor(d)));
    const joined = await step({ insert: [d] });
    expect(joined.insert[0]).toMatchObject({ userID: d, roleLevel: 20, joinSource: 3 });
    expect(joined.group.memberCount).toBe(5);
    await later(s.client.ok('/group/quit_group', { groupID }, await s.tokenFor(b)));
    await step({ delete: [b] });
    await later(s.client.ok('/group/kick_group', { groupID, kickedUserIDs: [c] }, s.adminToken));
    await step({ delete: [c] });
    await later(
      s.client.ok('/group/transfer_group', { groupID, oldOwnerUserID: owner, newOwnerUserID: a }, s.adminToken),
    );
    const transferred = await step({ update: [owner, a].sort() });
    expect(Object.fromEntries(transferred.update.map((m: any) => [m.userID, m.roleLevel]))).toEqual({
      [owner]: 20,
      [a]: 100,
    });
    await later(s.client.ok('/group/mute_group_member', { groupID, userID: d, mutedSeconds: 60 }, s.adminToken));
    const muted = await step({ update: [d] });
    expect(muted.update[0].muteEndTime).toBe(clock.now() + 60_000);

    // A profile change shows in every group's member record (the nickname, where the in-group one is empty).
    await later(s.client.ok('/user/update_user_info_ex', { userInfo: { userID: d, nickname: 'Dee' } }, s.adminToken));
    const renamed = await step({ update: [d] });
    expect(renamed.update[0].nickname).toBe('Dee');

    // Group info is the joined-groups log's: the member log does not move.
    await later(s.client.ok('/group/set_group_info', { groupInfoForSet: { groupID, groupName: 'x' } }, s.adminToken));
    expect(ids(await memberSync(groupID, v), 'userID')).toEqual(nothing);

    // All of it at once: d joined (and changed since: still an insert), b and c went, two roles changed.
    expect(ids(await memberSync(groupID, start), 'userID')).toEqual({
      full: false,
      insert: [d],
      update: [owner, a].sort(),
      delete: [b, c].sort(),
    });
    // Another log's ID starts over.
    expect(ids(await memberSync(groupID, { ...v, versionID: 'other' }), 'userID')).toEqual({
      full: true,
      insert: [owner, a, d],
      update: [],
      delete: [],
    });
  });

  it("more than 1000 changes since the client's version answer full instead", async () => {
    const { owner, a, b, c, groupID } = await team();
    const v = versionOf(await memberSync(groupID));
    const newcomers = Array.from({ length: 1001 }, () => uid('many'));
    for (const batch of [newcomers.slice(0, 500), newcomers.slice(500)]) {
      await s.client.ok(
        '/user/user_register',
        { users: batch.map((userID) => ({ userID, nickname: userID })) },
        s.adminToken,
      );
      await s.client.ok('/group/invite_user_to_group', { groupID, invitedUserIDs: batch }, s.adminToken);
    }
    const answer = await memberSync(groupID, v);
    expect(ids(answer, 'userID')).toEqual({
      full: true,
      insert: [owner, a, b, c, ...newcomers],
      update: [],
      delete: [],
    });
    expect(answer.version).toBe(v.version + 2);
  });

  it('members read their group, others may not; a dismissed or unknown group is refused', async () => {
    const { a, groupID } = await team();
    const stranger = uid('stranger');
    await s.register(stranger);
    const asStranger = await s.tokenFor(stranger);
    expect(await errCode('/group/get_incremental_group_members', { groupID }, asStranger)).toBe(1002);
    expect(await errCode('/group/get_full_group_member_user_ids', { groupID }, asStranger)).toBe(1002);
    expect(await errCode('/group/get_incremental_group_members', { groupID: 'no-such-group' })).toBe(1004);
    expect((await memberSync(groupID, START, await s.tokenFor(a))).full).toBe(true);
    await s.client.ok('/group/dismiss_group', { groupID, deleteMember: false }, s.adminToken);
    expect(await errCode('/group/get_incremental_group_members', { groupID }, await s.tokenFor(a))).toBe(1204);
  });
});

describe('the batch of member syncs', () => {
  it('answers each group once by groupID, leaves dismissed groups out, and reads only for oneself', async () => {
    const { owner, a, groupID } = await team();
    const other = await later(createGroup(s, { owner: a, members: [owner] }));
    const gone = await later(createGroup(s, { owner, members: [a] }));
    await s.client.ok('/group/dismiss_group', { groupID: gone.groupID, deleteMember: false }, s.adminToken);
    const asA = await s.tokenFor(a);
    const known = versionOf(await memberSync(groupID));
    const { respList } = await s.client.ok(
      '/group/get_incremental_group_members_batch',
      {
        userID: a,
        reqList: [
          { groupID, ...known },
          { groupID: other.groupID, version: 0, versionID: '' },
          { groupID, version: 0, versionID: '' },
          { groupID: gone.groupID, version: 0, versionID: '' },
        ],
      },
      asA,
    );
    expect(Object.keys(respList).sort()).toEqual([groupID, other.groupID].sort());
    expect(respList[groupID]).toEqual({ ...known, ...noMembers, group: null, sortVersion: 0 });
    expect(ids(respList[other.groupID], 'userID')).toEqual({ full: true, insert: [a, owner], update: [], delete: [] });
    expect(
      await errCode('/group/get_incremental_group_members_batch', { userID: owner, reqList: [{ groupID }] }, asA),
    ).toBe(1002);
    const stranger = uid('stranger');
    await s.register(stranger);
    expect(
      await errCode(
        '/group/get_incremental_group_members_batch',
        { userID: stranger, reqList: [{ groupID }] },
        await s.tokenFor(stranger),
      ),
    ).toBe(1002);
  });
});

describe('full ID lists and idHash', () => {
  /** OpenIM's idHash of a list, as a client computes and sends it (a JSON number). */
  const hashOf = (list: string[]) => Number(createHash('md5').update(JSON.stringify(list)).digest().readBigUInt64BE(0));

  it('answers the IDs in joining order, or equal and null when the client holds them', async () => {
    const { owner, a, b, c, groupID } = await team();
    const second = await later(createGroup(s, { owner: a }));
    const asA = await s.tokenFor(a);
    const groups = await s.client.ok('/group/get_full_join_group_ids', { idHash: 0, userID: a }, asA);
    const log = versionOf(await joinGroups(a));
    expect(groups).toEqual({ ...log, equal: false, groupIDs: [groupID, second.groupID] });
    expect(
      await s.client.ok(
        '/group/get_full_join_group_ids',
        { idHash: hashOf([groupID, second.groupID]), userID: a },
        asA,
      ),
    ).toEqual({ ...log, equal: true, groupIDs: null });
    expect(
      (
        await s.client.ok(
          '/group/get_full_join_group_ids',
          { idHash: hashOf([second.groupID, groupID]), userID: a },
          asA,
        )
      ).equal,
    ).toBe(false);

    const members = await s.client.ok('/group/get_full_group_member_user_ids', { idHash: 1, groupID }, asA);
    expect(members).toEqual({ ...versionOf(await memberSync(groupID)), equal: false, userIDs: [owner, a, b, c] });
    expect(
      await s.client.ok('/group/get_full_group_member_user_ids', { idHash: hashOf([owner, a, b, c]), groupID }, asA),
    ).toMatchObject({ equal: true, userIDs: null });
    expect(await errCode('/group/get_full_join_group_ids', { idHash: -1, userID: a }, asA)).toBe(1001);
  });

  it('a group older than the logs answers in full, at version 0, until its log begins', async () => {
    const [owner, alice, bob] = [uid('owner'), uid('alice'), uid('bob')];
    await s.register(owner, alice, bob);
    const groupID = uid('old-group');
    const time = clock.now();
    const member = (userID: string, roleLevel: number) => ({
      groupID,
      userID,
      roleLevel,
      joinTime: time,
      nickname: '',
      faceURL: '',
      joinSource: 2,
      operatorUserID: owner,
      inviterUserID: owner,
      ex: '',
      muteEndTime: 0,
    });
    // Written below the domain, as data from before the logs existed: no log records it.
    await s.app.store.tx(async (tx) => {
      await tx.groups.insert({
        groupID,
        groupName: 'old',
        notification: '',
        introduction: '',
        faceURL: '',
        ex: '',
        status: 0,
        creatorUserID: owner,
        groupType: 2,
        needVerification: 2,
        lookMemberInfo: 0,
        applyMemberFriend: 0,
        notificationUpdateTime: 0,
        notificationUserID: '',
        memberCount: 2,
        createTime: time,
      });
      await tx.members.insert([member(owner, 100), member(alice, 20)]);
    });
    const asAlice = await s.tokenFor(alice);
    const groups = await joinGroups(alice, START, asAlice);
    expect(ids(groups, 'groupID')).toEqual({ full: true, insert: [groupID], update: [], delete: [] });
    expect(versionOf(groups)).toEqual(UNWRITTEN_LOG);
    const members = await memberSync(groupID, START, asAlice);
    expect(ids(members, 'userID')).toEqual({ full: true, insert: [owner, alice], update: [], delete: [] });
    expect(versionOf(members)).toEqual(UNWRITTEN_LOG);
    expect(await s.client.ok('/group/get_full_group_member_user_ids', { idHash: 0, groupID }, asAlice)).toEqual({
      ...UNWRITTEN_LOG,
      equal: false,
      userIDs: [owner, alice],
    });

    await later(s.client.ok('/group/join_group', { groupID, joinSource: 3 }, await s.tokenFor(bob)));
    const begun = await memberSync(groupID, START, asAlice);
    expect(ids(begun, 'userID')).toEqual({ full: true, insert: [owner, alice, bob], update: [], delete: [] });
    expect(begun.version).toBe(1);
    expect(ids(await memberSync(groupID, versionOf(begun), asAlice), 'userID')).toEqual(nothing);
  });
});

describe('friends (huddle has none)', () => {
  it('answers the login calls with empty lists, and a client that holds the log is current', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await s.register(alice, bob);
    const asAlice = await s.tokenFor(alice);
    const first = await s.client.ok(
      '/friend/get_incremental_friends',
      { userID: alice, version: 0, versionID: '' },
      asAlice,
    );
    expect(first).toEqual({
      version: 1,
      versionID: expect.stringMatching(/^[0-9a-f]{24}$/),
      full: true,
      delete: [],
      insert: [],
      update: [],
      sortVersion: 0,
    });
    const again = await s.client.ok('/friend/get_incremental_friends', { userID: alice, ...versionOf(first) }, asAlice);
    expect(again.full).toBe(false);
    expect(await s.client.ok('/friend/get_full_friend_user_ids', { idHash: 0, userID: alice }, asAlice)).toEqual({
      ...versionOf(first),
      equal: true,
      userIDs: null,
    });
    expect(await s.client.ok('/friend/get_full_friend_user_ids', { idHash: 7, userID: alice }, asAlice)).toMatchObject({
      equal: false,
      userIDs: [],
    });
    const pagination = { pageNumber: 1, showNumber: 100 };
    expect(await s.client.ok('/friend/get_friend_list', { userID: alice, pagination }, asAlice)).toEqual({
      total: 0,
      friendsInfo: [],
    });
    expect(await s.client.ok('/friend/get_black_list', { userID: alice, pagination }, asAlice)).toEqual({
      total: 0,
      blacks: [],
    });
    const designated = { ownerUserID: alice, friendUserIDs: [bob] };
    expect(await s.client.ok('/friend/get_designated_friends', designated, asAlice)).toEqual({ friendsInfo: [] });
    expect(await errCode('/friend/get_designated_friends', { ...designated, ownerUserID: bob }, asAlice)).toBe(1002);
    for (const path of ['/friend/get_incremental_friends', '/friend/get_full_friend_user_ids'])
      expect(await errCode(path, { userID: bob }, asAlice)).toBe(1002);
    for (const path of ['/friend/get_friend_list', '/friend/get_black_list'])
      expect(await errCode(path, { userID: bob, pagination }, asAlice)).toBe(1002);
  });
});
