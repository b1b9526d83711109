// The values hook examples share: one group, its members, one user. Every field has a value (no
// nulls), so a body built from an example shows each field's type. `huddle callbacks test` sends the
// examples, the API document shows them, and the fixture tests build bodies from them.

import type { GroupInfo } from '../wire.js';
import type { TencentContext } from './define.js';

export const EXAMPLE_GROUP: GroupInfo = {
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

export const EXAMPLE_INIT_MEMBERS = [
  { userID: 'owner', roleLevel: 100 },
  { userID: 'admin', roleLevel: 60 },
  { userID: 'member', roleLevel: 20 },
];

export const EXAMPLE_USER = {
  userID: 'u1',
  nickname: 'Ann',
  faceURL: 'https://example.com/u1.png',
  ex: '{"b":2}',
  createTime: 1_700_000_000_000,
  appMangerLevel: 1,
  globalRecvMsgOpt: 0,
};

/** The facts a Tencent body adds to an example event: the owner acted, on the example group. */
export const EXAMPLE_TENCENT_CONTEXT: TencentContext = {
  operator: EXAMPLE_GROUP.ownerUserID,
  eventTime: EXAMPLE_GROUP.createTime,
  group: (groupID) =>
    groupID === EXAMPLE_GROUP.groupID
      ? { groupType: EXAMPLE_GROUP.groupType, groupName: EXAMPLE_GROUP.groupName }
      : undefined,
};
