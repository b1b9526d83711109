import { array, int, nullStr, object, str } from './views.js';
// User callbacks: registration and profile updates, OpenIM's bodies key for key (the key is
// `nickName` in the update bodies, `nickname` in registration's UserInfo). Tencent Cloud Chat has no
// callback around an account import and none before a profile change; after one it has
// Profile.CallbackPortraitSet ("After a Profile Is Updated", product 1047, doc 48733).

import { arr, LIMITS, obj, optStr, str as strSchema } from '../schema.js';
import { sameNames, wireFields } from './apply.js';
import { EXAMPLE_USER } from './examples.js';
import { defineCallback, plainAnswerStr, type TencentContext } from './define.js';

/** OpenIM's sdkws.UserInfo, in its order. */
export interface UserInfoEvent {
  userID: string;
  nickname: string;
  faceURL: string;
  ex: string;
  createTime: number;
  appMangerLevel: number;
  globalRecvMsgOpt: number;
}

/** One user_register call: every user in it, in request order. */
export interface UserRegisterEvent {
  users: UserInfoEvent[];
}

/** update_user_info_ex: null means "not part of this change". */
export interface UserInfoExChange {
  userID: string;
  nickname: string | null;
  faceURL: string | null;
  ex: string | null;
}

/** update_user_info (plain strings): "" means "not part of this change", as in the request. */
export interface UserInfoChange {
  userID: string;
  nickname: string;
  faceURL: string;
  ex: string;
}

const PROFILE_CHANGE_EXAMPLE = { userID: 'u1', nickname: 'Ann B.', faceURL: 'https://example.com/u1b.png', ex: 'y' };

// A user's events wait in one queue, so their after-callbacks arrive in order. A registration
// waits in its first user's (OpenIM sends one callback for the whole batch).
const userQueue = (userID: string) => `user:${userID}`;

const usersView = object({
  users: array(
    object({
      userID: str,
      nickname: str,
      faceURL: str,
      ex: str,
      createTime: int,
      appMangerLevel: int,
      globalRecvMsgOpt: int,
    }),
  ),
});
const profileView = (field: typeof str | typeof nullStr) =>
  object({ userID: str, nickName: field, faceURL: field, ex: field });

const usersBody = (e: UserRegisterEvent) => ({
  users: e.users.map((u) => ({
    userID: u.userID,
    nickname: u.nickname,
    faceURL: u.faceURL,
    ex: u.ex,
    createTime: u.createTime,
    appMangerLevel: u.appMangerLevel,
    globalRecvMsgOpt: u.globalRecvMsgOpt,
  })),
});

// `nickName` in the request and in the answer.
const PROFILE_FIELDS = { nickName: 'nickname', faceURL: 'faceURL', ex: 'ex' } as const;
const profileAnswer = { kind: 'fields', fields: PROFILE_FIELDS } as const;

function profileBody<E extends UserInfoExChange | UserInfoChange>(e: E) {
  return {
    userID: e.userID,
    ...(wireFields(PROFILE_FIELDS, e) as { nickName: E['nickname']; faceURL: E['faceURL']; ex: E['ex'] }),
  };
}

/** Tencent's profile tags for huddle's fields; `ex` is a custom field, named as the group's is. */
export const TENCENT_PROFILE_TAGS = [
  ['nickname', 'Tag_Profile_IM_Nick'],
  ['faceURL', 'Tag_Profile_IM_Image'],
  ['ex', 'Tag_Profile_Custom_ex'],
] as const;

/**
 * Profile.CallbackPortraitSet: the fields that were set (`ProfileItem`), none for an update that set
 * none of them. `unset` is the value a field has when it is not part of the change.
 */
const tencentPortraitSet = (unset: null | '') => ({
  command: 'Profile.CallbackPortraitSet',
  view: object({
    Operator_Account: str,
    From_Account: str,
    EventTime: int,
    ProfileItem: array(object({ Tag: str, Value: str })),
  }),
  bodies: (events: (UserInfoExChange | UserInfoChange)[], ctx: TencentContext) =>
    events.flatMap((e) => {
      const items = TENCENT_PROFILE_TAGS.filter(([k]) => e[k] !== unset && e[k] !== null).map(([k, Tag]) => ({
        Tag,
        Value: e[k] as string,
      }));
      return items.length === 0
        ? []
        : [{ Operator_Account: ctx.operator, From_Account: e.userID, EventTime: ctx.eventTime, ProfileItem: items }];
    }),
  orderingKey: (body: { From_Account: string }) => userQueue(body.From_Account),
});

export const beforeUserRegister = defineCallback({
  key: 'beforeUserRegister',
  phase: 'before',
  fires: 'user_register, once for all its users, after its checks, before the write',
  example: { users: [EXAMPLE_USER] },
  openim: { command: 'callbackBeforeUserRegisterCommand', view: usersView, body: usersBody },
  // OpenIM replaces the whole list with a non-empty answer; huddle matches entries by userID and
  // applies their non-empty profile fields (OpenIM's UserInfo strings are plain: "" is unchanged).
  modifiable: obj({
    users: arr(
      obj({
        userID: strSchema({ max: LIMITS.id, required: true }),
        nickname: plainAnswerStr({ max: LIMITS.nickname }),
        faceURL: plainAnswerStr({ max: LIMITS.faceURL }),
        ex: plainAnswerStr({ max: LIMITS.ex }),
      }),
      { max: LIMITS.list },
    ),
  }),
  answer: {
    kind: 'entries',
    list: 'users',
    key: 'userID',
    fields: sameNames(['nickname', 'faceURL', 'ex']),
    unknown: 'who is not being registered',
  },
  answerExample: { users: [{ userID: 'u1', nickname: 'Ann (reviewed)' }] },
});

export const afterUserRegister = defineCallback({
  key: 'afterUserRegister',
  phase: 'after',
  fires: 'user_register, once for all its users, once they are committed',
  example: { users: [EXAMPLE_USER] },
  openim: { command: 'callbackAfterUserRegisterCommand', view: usersView, body: usersBody },
  orderingKey: (e: UserRegisterEvent) => userQueue(e.users[0]?.userID ?? ''),
});

export const beforeUpdateUserInfoEx = defineCallback({
  key: 'beforeUpdateUserInfoEx',
  phase: 'before',
  fires: 'update_user_info_ex, after its checks, before the write',
  example: PROFILE_CHANGE_EXAMPLE,
  openim: {
    command: 'callbackBeforeUpdateUserInfoExCommand',
    view: profileView(nullStr),
    body: (e: UserInfoExChange) => profileBody(e),
  },
  // Wrappers, as in the request: null leaves a field as is, "" clears it.
  modifiable: obj({
    nickName: optStr({ max: LIMITS.nickname }),
    faceURL: optStr({ max: LIMITS.faceURL }),
    ex: optStr({ max: LIMITS.ex }),
  }),
  answer: profileAnswer,
  answerExample: { nickName: 'Ann (reviewed)', faceURL: '' },
});

export const afterUpdateUserInfoEx = defineCallback({
  key: 'afterUpdateUserInfoEx',
  phase: 'after',
  fires: 'update_user_info_ex, with the final values (null: not part of the change)',
  example: PROFILE_CHANGE_EXAMPLE,
  openim: {
    command: 'callbackAfterUpdateUserInfoExCommand',
    view: profileView(nullStr),
    body: (e: UserInfoExChange) => profileBody(e),
  },
  orderingKey: (e: UserInfoExChange) => userQueue(e.userID),
  tencent: tencentPortraitSet(null),
});

export const beforeUpdateUserInfo = defineCallback({
  key: 'beforeUpdateUserInfo',
  phase: 'before',
  fires: 'update_user_info, after its checks, before the write',
  example: PROFILE_CHANGE_EXAMPLE,
  openim: {
    command: 'callbackBeforeUpdateUserInfoCommand',
    view: profileView(str),
    body: (e: UserInfoChange) => profileBody(e),
  },
  // Plain strings, as in the request: "" leaves a field as is.
  modifiable: obj({
    nickName: plainAnswerStr({ max: LIMITS.nickname }),
    faceURL: plainAnswerStr({ max: LIMITS.faceURL }),
    ex: plainAnswerStr({ max: LIMITS.ex }),
  }),
  answer: profileAnswer,
  answerExample: { nickName: 'Ann (reviewed)', faceURL: '' },
});

export const afterUpdateUserInfo = defineCallback({
  key: 'afterUpdateUserInfo',
  phase: 'after',
  fires: 'update_user_info, with the final values ("": not part of the change)',
  example: PROFILE_CHANGE_EXAMPLE,
  openim: {
    command: 'callbackAfterUpdateUserInfoCommand',
    view: profileView(str),
    body: (e: UserInfoChange) => profileBody(e),
  },
  orderingKey: (e: UserInfoChange) => userQueue(e.userID),
  tencent: tencentPortraitSet(''),
});
