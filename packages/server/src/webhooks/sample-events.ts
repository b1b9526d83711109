// One representative event per hook, typed by the hook's own declaration (tsc checks them): what
// `huddle hooks test` sends, and what the golden-fixture tests build bodies from. Every field has a
// value (no nulls), so a body built from these shows each field's type.

import type { EventOf, GroupInfo, HookKey, Hooks, TencentContext } from '@huddle/protocol';

const group: GroupInfo = {
  groupID: 'g1',
  groupName: 'team',
  notification: 'hello',
  introduction: 'intro',
  faceURL: 'https://example.com/g.png',
  ownerUserID: 'owner',
  createTime: 1_700_000_000_000,
  memberCount: 3,
  ex: '{"a":1}',
  status: 0,
  creatorUserID: 'owner',
  groupType: 2,
  needVerification: 0,
  lookMemberInfo: 0,
  applyMemberFriend: 0,
  notificationUpdateTime: 1_700_000_000_000,
  notificationUserID: 'owner',
};
const initMemberList = [
  { userID: 'owner', roleLevel: 100 },
  { userID: 'admin', roleLevel: 60 },
  { userID: 'member', roleLevel: 20 },
];
const infoChange = {
  operationID: 'op-1',
  groupID: 'g1',
  groupName: 'team 2',
  notification: 'read me',
  introduction: 'about',
  faceURL: 'https://example.com/g2.png',
  ex: 'x',
  needVerification: 1,
  lookMemberInfo: 1,
  applyMemberFriend: 1,
};
const user = { userID: 'u1', nickname: 'Ann', faceURL: 'https://example.com/u1.png', ex: '{"b":2}', createTime: 1_700_000_000_000, appMangerLevel: 1, globalRecvMsgOpt: 0 };
const profileChange = { userID: 'u1', nickname: 'Ann B.', faceURL: 'https://example.com/u1b.png', ex: 'y' };
const memberChange = { groupID: 'g1', userID: 'member', nickname: 'nick', faceURL: 'https://example.com/u.png', roleLevel: 60, ex: 'x' };

export const SAMPLE_EVENTS: { [K in HookKey]: EventOf<Hooks[K]> } = {
  beforeCreateGroup: { ...group, operationID: 'op-1', initMemberList },
  afterCreateGroup: { ...group, initMemberList },
  beforeMemberJoinGroup: { groupID: 'g1', memberList: [{ userID: 'u1', ex: '' }], groupEx: 'gx' },
  beforeApplyJoinGroup: { groupID: 'g1', groupType: 2, applyID: 'u1', reqMessage: 'hi', ex: '' },
  beforeInviteUserToGroup: { operationID: 'op-1', groupID: 'g1', reason: 'r', invitedUserIDs: ['u1', 'u2'] },
  afterMemberJoinGroup: { groupID: 'g1', userID: 'u1', ex: '', groupEx: 'gx' },
  afterJoinGroup: { operationID: 'op-1', groupID: 'g1', reqMessage: 'hi', joinSource: 3, inviterUserID: 'u1' },
  afterGroupFull: { groupID: 'g1', memberCount: 3, maxMemberCount: 3 },
  afterQuitGroup: { groupID: 'g1', userID: 'u1' },
  afterKickGroupMember: { groupID: 'g1', kickedUserIDs: ['u1'], reason: '' },
  afterDismissGroup: { groupID: 'g1', ownerID: 'owner', groupType: 2, membersID: ['owner', 'u1'] },
  afterTransferGroupOwner: { groupID: 'g1', oldOwnerUserID: 'owner', newOwnerUserID: 'u1' },
  beforeSetGroupInfo: infoChange,
  afterSetGroupInfo: infoChange,
  beforeSetGroupInfoEx: infoChange,
  afterSetGroupInfoEx: infoChange,
  beforeSetGroupMemberInfo: memberChange,
  afterSetGroupMemberInfo: memberChange,
  beforeUserRegister: { users: [user] },
  afterUserRegister: { users: [user] },
  beforeUpdateUserInfo: profileChange,
  afterUpdateUserInfo: profileChange,
  beforeUpdateUserInfoEx: profileChange,
  afterUpdateUserInfoEx: profileChange,
};

/** The facts a Tencent body adds to a sample event: the owner acted, on the sample group. */
export const SAMPLE_TENCENT_CONTEXT: TencentContext = {
  operator: group.ownerUserID,
  eventTime: group.createTime,
  group: (groupID) => (groupID === group.groupID ? { groupType: group.groupType, groupName: group.groupName } : undefined),
};
