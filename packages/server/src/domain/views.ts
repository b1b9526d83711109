// The wire shapes of OpenIM's sdkws messages. Every field is always present (Go writes zero
// values), in OpenIM's order; times are milliseconds as JSON numbers. Each shape is a view declared
// once: its type checks the builder below it, and the API document shows its JSON Schema.

import { GroupInfo, pickGroupInfo, Role, view, type View, type ViewType } from '@huddle/protocol';
import type { GroupView, MemberRecord, RequestRecord, UserRecord } from '../storage/records.js';
import { HandleResult } from './context.js';

/** "100 owner, 60 admin, 20 member" read off a table of codes, so each number is written once. */
const codes = (table: Record<string, number>) =>
  Object.entries(table)
    .map(([name, n]) => `${n} ${name.toLowerCase()}`)
    .join(', ');

/** GroupInfo exactly, in OpenIM's order, whatever else the record carries. */
export const groupInfo = (g: GroupView): GroupInfo => pickGroupInfo(g);

export const MemberInfo = view.object(
  {
    groupID: view.string(),
    userID: view.string(),
    roleLevel: view.integer(codes(Role)),
    joinTime: view.integer(),
    nickname: view.string(),
    faceURL: view.string(),
    appMangerLevel: view.integer('always 0, as OpenIM answers'),
    joinSource: view.integer(),
    operatorUserID: view.string(),
    ex: view.string(),
    muteEndTime: view.integer(),
    inviterUserID: view.string(),
  },
  'MemberInfo',
);
export type MemberInfo = ViewType<typeof MemberInfo>;

export function memberInfo(m: MemberRecord): MemberInfo {
  // OpenIM's REST converter never fills appMangerLevel; clients expect 0.
  return view.pick(MemberInfo, m, { appMangerLevel: 0 });
}

/** The profile fields anyone may see; UserInfo adds the rest. */
export const PublicUserInfo = view.object(
  { userID: view.string(), nickname: view.string(), faceURL: view.string(), ex: view.string() },
  'PublicUserInfo',
);
export type PublicUserInfo = ViewType<typeof PublicUserInfo>;

export const UserInfo = PublicUserInfo.extend(
  { createTime: view.integer(), appMangerLevel: view.integer(), globalRecvMsgOpt: view.integer() },
  'UserInfo',
);
export type UserInfo = ViewType<typeof UserInfo>;

export function userInfo(u: UserRecord): UserInfo {
  return view.pick(UserInfo, u);
}

export function publicUserInfo(userID: string, u: UserRecord | undefined): PublicUserInfo {
  return { userID, nickname: u?.nickname ?? '', faceURL: u?.faceURL ?? '', ex: u?.ex ?? '' };
}

/** OpenIM's GroupRequest: a join request with its applicant and its group. */
export const RequestInfo = view.object(
  {
    userInfo: PublicUserInfo,
    groupInfo: view.nullable(GroupInfo, 'null when the group is not found'),
    handleResult: view.integer(codes(HandleResult)),
    reqMsg: view.string(),
    handleMsg: view.string(),
    reqTime: view.integer(),
    handleUserID: view.string(),
    handleTime: view.integer(),
    ex: view.string(),
    joinSource: view.integer(),
    inviterUserID: view.string(),
  },
  'RequestInfo',
);
export type RequestInfo = ViewType<typeof RequestInfo>;

export function requestInfo(r: RequestRecord, user: UserRecord | undefined, group: GroupView | undefined): RequestInfo {
  return view.pick(RequestInfo, r, {
    userInfo: publicUserInfo(r.userID, user),
    groupInfo: group ? groupInfo(group) : null,
  });
}

/** What changed in a version log since the client's version (OpenIM's incremental answers). */
const versioned = <T>(item: View<T>) => ({
  version: view.integer("the log's version now; send it back next time"),
  versionID: view.string('names the log; another ID than the one sent means start over'),
  full: view.boolean('the client must start over: `insert` then holds every current item'),
  delete: view.array(view.string()),
  insert: view.array(item),
  update: view.array(item),
});

export const JoinGroupsDelta = view.object(
  { ...versioned(GroupInfo), sortVersion: view.integer('always 0: the list keeps the order it was joined in') },
  'JoinGroupsDelta',
);
export type JoinGroupsDelta = ViewType<typeof JoinGroupsDelta>;

/** OpenIM's Go answers a list with nothing in it as null; the JS SDK reads a list that is there as non-empty. */
const orNull = <T>(list: View<T[]>) => view.nullable(list, 'null when empty, as OpenIM');

export const MembersDelta = view.object(
  {
    ...versioned(MemberInfo),
    delete: orNull(view.array(view.string())),
    insert: orNull(view.array(MemberInfo)),
    update: orNull(view.array(MemberInfo)),
    group: view.nullable(GroupInfo, 'null when nothing changed'),
    sortVersion: view.integer('always 0: the list keeps the order it was joined in'),
  },
  'MembersDelta',
);
export type MembersDelta = ViewType<typeof MembersDelta>;

/** A cheap fingerprint of a group's members (OpenIM's GroupAbstractInfo). */
export const GroupAbstractInfo = view.object(
  {
    groupID: view.string(),
    groupMemberNumber: view.integer(),
    groupMemberListHash: view.integer(
      "OpenIM's hash of the member list (uint64; JSON numbers keep its top 53 bits, as they do the client's)",
    ),
  },
  'GroupAbstractInfo',
);
export type GroupAbstractInfo = ViewType<typeof GroupAbstractInfo>;

/** A group as the admin search answers it (OpenIM's CMSGroup). */
export const CMSGroup = view.object(
  { groupInfo: GroupInfo, groupOwnerUserName: view.string(), groupOwnerUserID: view.string() },
  'CMSGroup',
);
export type CMSGroup = ViewType<typeof CMSGroup>;
