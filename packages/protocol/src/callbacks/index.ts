// Every callback huddle sends, in one list. Adding a callback = declaring it in its family's file,
// listing it here, and reporting its event from one domain function.

import { afterUserKickOff, afterUserOffline, afterUserOnline } from './connection.js';
import { afterCreateGroup, beforeCreateGroup } from './create-group.js';
import { afterSetGroupInfo, afterSetGroupInfoEx, beforeSetGroupInfo, beforeSetGroupInfoEx } from './group-info.js';
import { afterDismissGroup, afterTransferGroupOwner } from './group-lifecycle.js';
import { afterSetGroupMemberInfo, beforeSetGroupMemberInfo } from './member-info.js';
import {
  afterGroupFull,
  afterJoinGroup,
  afterMemberJoinGroup,
  beforeApplyJoinGroup,
  beforeInviteUserToGroup,
  beforeMemberJoinGroup,
} from './member-join.js';
import { afterKickGroupMember, afterQuitGroup } from './member-leave.js';
import { afterGroupMsgRead, afterSingleMsgRead } from './message-read.js';
import {
  afterMsgSaveDB,
  afterSendGroupMsg,
  afterSendSingleMsg,
  beforeMsgModify,
  beforeSendGroupMsg,
  beforeSendSingleMsg,
} from './message-send.js';
import {
  afterUpdateUserInfo,
  afterUpdateUserInfoEx,
  afterUserRegister,
  beforeUpdateUserInfo,
  beforeUpdateUserInfoEx,
  beforeUserRegister,
} from './user.js';

const MESSAGE_HOOKS = {
  beforeSendGroupMsg,
  afterSendGroupMsg,
  beforeSendSingleMsg,
  afterSendSingleMsg,
  beforeMsgModify,
  afterMsgSaveDB,
  afterGroupMsgRead,
  afterSingleMsgRead,
} as const;

export const CALLBACKS = {
  beforeCreateGroup,
  afterCreateGroup,
  beforeMemberJoinGroup,
  beforeApplyJoinGroup,
  beforeInviteUserToGroup,
  afterMemberJoinGroup,
  afterJoinGroup,
  afterGroupFull,
  afterQuitGroup,
  afterKickGroupMember,
  afterDismissGroup,
  afterTransferGroupOwner,
  beforeSetGroupInfo,
  afterSetGroupInfo,
  beforeSetGroupInfoEx,
  afterSetGroupInfoEx,
  beforeSetGroupMemberInfo,
  afterSetGroupMemberInfo,
  beforeUserRegister,
  afterUserRegister,
  beforeUpdateUserInfo,
  afterUpdateUserInfo,
  beforeUpdateUserInfoEx,
  afterUpdateUserInfoEx,
  afterUserOnline,
  afterUserOffline,
  afterUserKickOff,
  ...MESSAGE_HOOKS,
} as const;

export type Callbacks = typeof CALLBACKS;
export type CallbackKey = keyof Callbacks;
export type BeforeCallbackKey = { [K in CallbackKey]: Callbacks[K]['phase'] extends 'before' ? K : never }[CallbackKey];
export type AfterCallbackKey = { [K in CallbackKey]: Callbacks[K]['phase'] extends 'after' ? K : never }[CallbackKey];

export const CALLBACK_KEYS = Object.keys(CALLBACKS) as CallbackKey[];
/** The hooks about users, not groups (their events name no group): profiles and connections. */
export const USER_HOOK_KEYS: readonly CallbackKey[] = [
  beforeUserRegister,
  afterUserRegister,
  beforeUpdateUserInfo,
  afterUpdateUserInfo,
  beforeUpdateUserInfoEx,
  afterUpdateUserInfoEx,
  afterUserOnline,
  afterUserOffline,
  afterUserKickOff,
].map((h) => h.key);

/** The message hooks (sends and read marks): their events name a conversation, not a group. */
export const MESSAGE_HOOK_KEYS = Object.keys(MESSAGE_HOOKS) as readonly CallbackKey[];

export * from './define.js';
export * from './apply.js';
export { EXAMPLE_TENCENT_CONTEXT } from './examples.js';
export type { InitMember } from './create-group.js';
export {
  OPENIM_PLATFORM_NAMES,
  openimPlatformName,
  type OfflineReason,
  type UserKickOffEvent,
  type UserOfflineEvent,
  type UserOnlineEvent,
} from './connection.js';
export type { GroupInfoChange } from './group-info.js';
export type { MemberInfoChange } from './member-info.js';
export type { GroupReadEvent, SingleReadEvent } from './message-read.js';
export type { MessageEvent, SingleMessageEvent } from './message-send.js';
export { timBody, type TimElement } from './tim.js';
export type { UserInfoChange, UserInfoEvent, UserInfoExChange, UserRegisterEvent } from './user.js';
