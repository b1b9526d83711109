// One group's life that makes huddle send every after-callback: created with an admin and members,
// joined, filled (afterGroupFull with HUDDLE_MAX_GROUP_MEMBERS=6), quit, kicked, renamed twice,
// a member changed, ownership moved, dismissed.

import { createGroup, type TestServer } from '../../server/test/harness.js';

export interface GroupLife {
  groupID: string;
  owner: string;
  admin: string;
  member: string;
  kicked: string;
  joiner: string;
  invitee: string;
}

export async function liveOneGroup(s: TestServer, prefix: string): Promise<GroupLife> {
  const [o, a, m, k, j, i] = ['o', 'a', 'm', 'k', 'j', 'i'].map((p) => `${prefix}_${p}`) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  await s.register(o, a, m, k, j, i);
  const tokenO = await s.tokenFor(o);
  const g = await createGroup(s, { owner: o, admins: [a], members: [m, k], needVerification: 2, token: tokenO });
  const steps: [string, object, string][] = [
    ['/group/join_group', { groupID: g.groupID, joinSource: 3, reqMessage: 'hi' }, await s.tokenFor(j)],
    ['/group/invite_user_to_group', { groupID: g.groupID, invitedUserIDs: [i], reason: 'come' }, tokenO],
    ['/group/quit_group', { groupID: g.groupID }, await s.tokenFor(j)],
    ['/group/kick_group', { groupID: g.groupID, kickedUserIDs: [k], reason: 'bye' }, tokenO],
    ['/group/set_group_info', { groupInfoForSet: { groupID: g.groupID, groupName: 'renamed' } }, tokenO],
    ['/group/set_group_info_ex', { groupID: g.groupID, introduction: 'about' }, tokenO],
    [
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: 'nn', roleLevel: 60 }] },
      tokenO,
    ],
    ['/group/transfer_group', { groupID: g.groupID, oldOwnerUserID: o, newOwnerUserID: a }, tokenO],
    ['/group/dismiss_group', { groupID: g.groupID }, s.adminToken],
  ];
  for (const [path, body, token] of steps) await s.client.ok(path, body, token);
  return { groupID: g.groupID, owner: o, admin: a, member: m, kicked: k, joiner: j, invitee: i };
}
