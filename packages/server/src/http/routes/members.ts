import type { Services } from '../../domain/index.js';
import { InviteResult, JoinedGroups, MemberPage, MembersInfo, MemberUserIDs, NO_DATA } from '../responses.js';
import { route } from '../route.js';
import {
  arr,
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

export const memberRoutes = ({ members }: Services) => [
  route({
    path: '/group/join_group',
    body: obj({
      groupID: groupID(),
      reqMessage: str({ max: LIMITS.message }),
      joinSource: int({ min: 1, max: 4, required: true, hint: '1 admin, 2 invitation, 3 search, 4 QR code' }),
      inviterUserID: userID(false),
      ex: str({ max: LIMITS.ex }),
    }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await members.joinGroup(ctx, body);
    },
  }),
  route({
    path: '/group/quit_group',
    body: obj({ groupID: groupID(), userID: userID(false) }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await members.quitGroup(ctx, body);
    },
  }),
  route({
    path: '/group/invite_user_to_group',
    body: obj({
      groupID: groupID(),
      reason: str({ max: LIMITS.message }),
      invitedUserIDs: idList({ nonEmpty: true }),
      sendMessage: optBool(),
    }),
    response: InviteResult,
    handle: async (ctx, body) => {
      const { refusedUserIDs } = await members.inviteUserToGroup(ctx, body);
      return refusedUserIDs.length > 0 ? { refusedUserIDs } : undefined;
    },
  }),
  route({
    path: '/group/kick_group',
    body: obj({
      groupID: groupID(),
      kickedUserIDs: idList({ nonEmpty: true }),
      reason: str({ max: LIMITS.message }),
      sendMessage: optBool(),
    }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await members.kickGroup(ctx, body);
    },
  }),
  route({
    path: '/group/get_group_member_list',
    body: obj({
      pagination: pagination(),
      groupID: groupID(),
      filter: int({ min: 0, max: 5, hint: '0 all, 1 owner, 2 admins, 3 ordinary, 4 admins+ordinary, 5 owner+admins' }),
      keyword: str({ max: LIMITS.nickname }),
    }),
    response: MemberPage,
    handle: (ctx, body) => members.getGroupMemberList(ctx, body),
  }),
  route({
    path: '/group/get_group_members_info',
    body: obj({ groupID: groupID(), userIDs: idList({ nonEmpty: true }) }),
    response: MembersInfo,
    handle: (ctx, body) => members.getGroupMembersInfo(ctx, body),
  }),
  route({
    path: '/group/get_group_member_user_id',
    body: obj({ groupID: groupID() }),
    response: MemberUserIDs,
    handle: (ctx, body) => members.getGroupMemberUserID(ctx, body.groupID),
  }),
  route({
    path: '/group/get_joined_group_list',
    body: obj({ pagination: pagination(), fromUserID: userID() }),
    response: JoinedGroups,
    handle: (ctx, body) => members.getJoinedGroupList(ctx, body),
  }),
  route({
    path: '/group/set_group_member_info',
    body: obj({
      members: arr(
        obj({
          groupID: groupID(),
          userID: userID(),
          nickname: optStr({ max: LIMITS.nickname }),
          faceURL: optStr({ max: LIMITS.faceURL }),
          roleLevel: optInt(),
          ex: optStr({ max: LIMITS.ex }),
        }),
        { max: LIMITS.list, nonEmpty: true },
      ),
    }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await members.setGroupMemberInfo(ctx, body.members);
    },
  }),
  route({
    path: '/group/mute_group_member',
    body: obj({
      groupID: groupID(),
      userID: userID(),
      // uint32 in OpenIM; 0 is refused ("mutedSeconds is empty").
      mutedSeconds: int({ min: 1, max: 4294967295, required: true }),
    }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await members.muteGroupMember(ctx, body);
    },
  }),
  route({
    path: '/group/cancel_mute_group_member',
    body: obj({ groupID: groupID(), userID: userID() }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await members.cancelMuteGroupMember(ctx, body);
    },
  }),
];
