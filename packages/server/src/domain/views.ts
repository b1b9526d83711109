// The wire shapes of OpenIM's sdkws messages. Every field is always present (Go writes zero
// values), in OpenIM's order; times are milliseconds as JSON numbers.

import { pickGroupInfo, type GroupInfo } from '@huddle/protocol';
import type { GroupView, MemberRecord, RequestRecord, UserRecord } from '../storage/records.js';

/** GroupInfo exactly, in OpenIM's order, whatever else the record carries. */
export const groupInfo = (g: GroupView): GroupInfo => pickGroupInfo(g);

export function memberInfo(m: MemberRecord) {
  return {
    groupID: m.groupID,
    userID: m.userID,
    roleLevel: m.roleLevel,
    joinTime: m.joinTime,
    nickname: m.nickname,
    faceURL: m.faceURL,
    // OpenIM's REST converter never fills this; clients expect 0.
    appMangerLevel: 0,
    joinSource: m.joinSource,
    operatorUserID: m.operatorUserID,
    ex: m.ex,
    muteEndTime: m.muteEndTime,
    inviterUserID: m.inviterUserID,
  };
}

export function userInfo(u: UserRecord) {
  return {
    userID: u.userID,
    nickname: u.nickname,
    faceURL: u.faceURL,
    ex: u.ex,
    createTime: u.createTime,
    appMangerLevel: u.appMangerLevel,
    globalRecvMsgOpt: u.globalRecvMsgOpt,
  };
}

export function publicUserInfo(userID: string, u: UserRecord | undefined) {
  return { userID, nickname: u?.nickname ?? '', faceURL: u?.faceURL ?? '', ex: u?.ex ?? '' };
}

export function requestInfo(r: RequestRecord, user: UserRecord | undefined, group: GroupView | undefined) {
  return {
    userInfo: publicUserInfo(r.userID, user),
    groupInfo: group ? groupInfo(group) : null,
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
