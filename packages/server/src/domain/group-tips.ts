// The sdkws *Tips of OpenIM's group notifications, as encoding/json renders them: every field
// present (Go writes zero values, nil pointers as null), in the order of sdkws.proto. Pure: the
// facts are read by group-notifications.ts.

import type { GroupInfo } from '@huddle/protocol';
import type { GroupView, MemberRecord, RequestRecord, UserRecord } from '../storage/records.js';
import { Role } from './context.js';
import { groupInfo, type MemberInfo, memberInfo, type PublicUserInfo, publicUserInfo } from './views.js';

/** OpenIM's appMangerLevel of an app admin (constant.AppAdmin). */
const APP_ADMIN_LEVEL = 2;

/** The group member log's head after the change: what the SDK compares with its own version. */
export interface MemberVersion {
  groupMemberVersion: number;
  groupMemberVersionID: string;
}

/** A member as the tips show it: an empty nickname or face is filled from the user's profile. */
export function tipsMember(m: MemberRecord, user: UserRecord | undefined): MemberInfo {
  const info = memberInfo(m);
  return { ...info, nickname: info.nickname || (user?.nickname ?? ''), faceURL: info.faceURL || (user?.faceURL ?? '') };
}

const emptyMember = (groupID: string, userID: string): MemberInfo => ({
  groupID,
  userID,
  roleLevel: 0,
  joinTime: 0,
  nickname: '',
  faceURL: '',
  appMangerLevel: 0,
  joinSource: 0,
  operatorUserID: '',
  ex: '',
  muteEndTime: 0,
  inviterUserID: '',
});

/**
 * The operator as OpenIM's fillOpUser shows it: an app admin as a group admin of app-admin level,
 * a member as its member row, anyone else by profile (its own operator).
 */
export function opUserInfo(
  groupID: string,
  op: { userID: string; isAppAdmin: boolean },
  member: MemberRecord | undefined,
  user: UserRecord | undefined,
): MemberInfo {
  const profile = { nickname: user?.nickname ?? '', faceURL: user?.faceURL ?? '' };
  if (op.isAppAdmin)
    return { ...emptyMember(groupID, op.userID), roleLevel: Role.Admin, appMangerLevel: APP_ADMIN_LEVEL, ...profile };
  if (member) return tipsMember(member, user);
  return { ...emptyMember(groupID, op.userID), ...profile, operatorUserID: op.userID };
}

/** GroupRequest as OpenIM's notifications carry it: the applicant's profile, no group. */
export function tipsRequest(r: RequestRecord, applicant: UserRecord | undefined) {
  return {
    userInfo: publicUserInfo(r.userID, applicant),
    groupInfo: null,
    handleResult: r.handleResult,
    reqMsg: r.reqMsg,
    handleMsg: r.handleMsg,
    reqTime: r.reqTime,
    handleUserID: r.handleUserID,
    handleTime: r.handleTime,
    ex: r.ex,
    joinSource: r.joinSource,
    inviterUserID: r.inviterUserID,
  };
}

export const tipsGroup = (g: GroupView): GroupInfo => groupInfo(g);

export const groupCreatedTips = (
  group: GroupInfo,
  opUser: MemberInfo,
  memberList: MemberInfo[],
  operationTime: number,
  groupOwnerUser: MemberInfo | null,
  v: MemberVersion,
) => ({ group, opUser, memberList, operationTime, groupOwnerUser, ...v });

export const groupInfoSetTips = (opUser: MemberInfo, group: GroupInfo, v: MemberVersion) => ({
  opUser,
  muteTime: 0,
  group,
  ...v,
});

/** GroupInfoSetNameTips and GroupInfoSetAnnouncementTips. */
export const groupInfoFieldTips = (opUser: MemberInfo, group: GroupInfo, v: MemberVersion) => ({ opUser, group, ...v });

export const joinGroupApplicationTips = (
  group: GroupInfo,
  applicant: PublicUserInfo,
  reqMsg: string,
  uuid: string,
  request: ReturnType<typeof tipsRequest>,
) => ({ group, applicant, reqMsg, uuid, request });

export const memberQuitTips = (group: GroupInfo, quitUser: MemberInfo, operationTime: number, v: MemberVersion) => ({
  group,
  quitUser,
  operationTime,
  ...v,
});

/** GroupApplicationAcceptedTips and GroupApplicationRejectedTips; receiverAs 0 applicant, 1 manager. */
export const applicationAnsweredTips = (
  group: GroupInfo,
  opUser: MemberInfo,
  handleMsg: string,
  receiverAs: 0 | 1,
  uuid: string,
  request: ReturnType<typeof tipsRequest>,
) => ({ group, opUser, handleMsg, receiverAs, uuid, request });

export const ownerTransferredTips = (
  group: GroupInfo,
  opUser: MemberInfo,
  newGroupOwner: MemberInfo,
  oldGroupOwner: string,
  operationTime: number,
  oldGroupOwnerInfo: MemberInfo,
  v: MemberVersion,
) => ({ group, opUser, newGroupOwner, oldGroupOwner, operationTime, oldGroupOwnerInfo, ...v });

export const memberKickedTips = (
  group: GroupInfo,
  opUser: MemberInfo,
  kickedUserList: MemberInfo[],
  operationTime: number,
  v: MemberVersion,
) => ({ group, opUser, kickedUserList, operationTime, ...v });

export const memberInvitedTips = (
  group: GroupInfo,
  opUser: MemberInfo,
  invitedUserList: MemberInfo[],
  operationTime: number,
  v: MemberVersion,
  inviterUser: MemberInfo,
) => ({ group, opUser, invitedUserList, operationTime, ...v, inviterUser });

export const memberEnterTips = (
  group: GroupInfo,
  entrantUser: MemberInfo,
  operationTime: number,
  v: MemberVersion,
) => ({
  group,
  entrantUser,
  operationTime,
  ...v,
});

export const groupDismissedTips = (group: GroupInfo, opUser: MemberInfo, operationTime: number) => ({
  group,
  opUser,
  operationTime,
});

/** GroupMemberMutedTips (with mutedSeconds) and GroupMemberCancelMutedTips (without). */
export const memberMutedTips = (
  group: GroupInfo,
  opUser: MemberInfo,
  operationTime: number,
  mutedUser: MemberInfo,
  mutedSeconds: number | undefined,
  v: MemberVersion,
) =>
  mutedSeconds === undefined
    ? { group, opUser, operationTime, mutedUser, ...v }
    : { group, opUser, operationTime, mutedUser, mutedSeconds, ...v };

/** GroupMutedTips and GroupCancelMutedTips. */
export const groupMutedTips = (group: GroupInfo, opUser: MemberInfo, operationTime: number, v: MemberVersion) => ({
  group,
  opUser,
  operationTime,
  ...v,
});

export const memberInfoSetTips = (
  group: GroupInfo,
  opUser: MemberInfo,
  operationTime: number,
  changedUser: MemberInfo,
  v: MemberVersion,
) => ({ group, opUser, operationTime, changedUser, ...v, groupSortVersion: 0 });
