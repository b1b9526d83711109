import type { Services } from '../../domain/index.js';
import { CMSGroupPage, CreatedGroup, GroupAbstractInfos, GroupInfos, NO_DATA } from '../responses.js';
import { route } from '../route.js';
import {
  bool,
  groupID,
  idList,
  int,
  LIMITS,
  obj,
  optBool,
  optInt,
  optStr,
  pagination,
  str,
  userID,
} from '@huddle/protocol';

// Value sets are enforced (OpenIM stores anything; a 99 here would silently behave like 0).
const needVerification = () => ({ min: 0, max: 2, hint: '0 invite directly, 1 all need approval, 2 join directly' });
const flag = () => ({ min: 0, max: 1 });

export const groupRoutes = ({ groups, groupOverview }: Services) => [
  route({
    path: '/group/create_group',
    body: obj({
      memberUserIDs: idList(),
      adminUserIDs: idList(),
      ownerUserID: userID(),
      groupInfo: obj({
        groupID: groupID(false),
        groupName: str({ max: LIMITS.groupName }),
        notification: str({ max: LIMITS.notification }),
        introduction: str({ max: LIMITS.introduction }),
        faceURL: str({ max: LIMITS.faceURL }),
        ex: str({ max: LIMITS.ex }),
        groupType: int({ min: 0, max: 2, hint: 'only 2 (working group) can be created' }),
        needVerification: int(needVerification()),
        lookMemberInfo: int(flag()),
        applyMemberFriend: int(flag()),
      }),
      sendMessage: optBool(),
    }),
    response: CreatedGroup,
    handle: async (ctx, body) => ({ groupInfo: (await groups.createGroup(ctx, body)).groupInfo }),
  }),
  route({
    path: '/group/get_groups_info',
    body: obj({ groupIDs: idList({ required: true }) }),
    response: GroupInfos,
    handle: (ctx, body) => groups.getGroupsInfo(ctx, body.groupIDs),
  }),
  route({
    path: '/group/set_group_info',
    body: obj({
      groupInfoForSet: obj({
        groupID: groupID(),
        groupName: str({ max: LIMITS.groupName }),
        notification: str({ max: LIMITS.notification }),
        introduction: str({ max: LIMITS.introduction }),
        faceURL: str({ max: LIMITS.faceURL }),
        ex: optStr({ max: LIMITS.ex }),
        needVerification: optInt(needVerification()),
        lookMemberInfo: optInt(flag()),
        applyMemberFriend: optInt(flag()),
      }),
    }),
    response: NO_DATA,
    handle: async (ctx, { groupInfoForSet: { groupID: id, ...change } }) => {
      await groups.setGroupInfo(ctx, id, change);
    },
  }),
  route({
    path: '/group/set_group_info_ex',
    body: obj({
      groupID: groupID(),
      groupName: optStr({ max: LIMITS.groupName }),
      notification: optStr({ max: LIMITS.notification }),
      introduction: optStr({ max: LIMITS.introduction }),
      faceURL: optStr({ max: LIMITS.faceURL }),
      ex: optStr({ max: LIMITS.ex }),
      needVerification: optInt(needVerification()),
      lookMemberInfo: optInt(flag()),
      applyMemberFriend: optInt(flag()),
    }),
    response: NO_DATA,
    handle: async (ctx, { groupID: id, ...change }) => {
      await groups.setGroupInfoEx(ctx, id, change);
    },
  }),
  route({
    path: '/group/transfer_group',
    body: obj({ groupID: groupID(), oldOwnerUserID: userID(), newOwnerUserID: userID() }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await groups.transferGroup(ctx, body);
    },
  }),
  route({
    path: '/group/dismiss_group',
    body: obj({ groupID: groupID(), deleteMember: bool(), sendMessage: optBool() }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await groups.dismissGroup(ctx, body);
    },
  }),
  route({
    path: '/group/mute_group',
    body: obj({ groupID: groupID() }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await groups.muteGroup(ctx, body.groupID);
    },
  }),
  route({
    path: '/group/cancel_mute_group',
    body: obj({ groupID: groupID() }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await groups.cancelMuteGroup(ctx, body.groupID);
    },
  }),
  route({
    path: '/group/get_groups',
    body: obj({ pagination: pagination(), groupName: str({ max: LIMITS.groupName }), groupID: groupID(false) }),
    response: CMSGroupPage,
    handle: (ctx, body) => groupOverview.searchGroups(ctx, body),
  }),
  route({
    path: '/group/get_group_abstract_info',
    body: obj({ groupIDs: idList({ required: true }) }),
    response: GroupAbstractInfos,
    handle: (ctx, body) => groupOverview.abstractInfo(ctx, body.groupIDs),
  }),
];
