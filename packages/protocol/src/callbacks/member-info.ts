import { int, nullInt, nullStr, object, str } from './views.js';
import { LIMITS, obj, optInt, optStr } from '../schema.js';
import { tencentRole } from '../dialects/tencent.js';
import { wireFields } from './apply.js';
import { defineCallback, typeOf } from './define.js';

/** One entry of set_group_member_info; null means "not part of this change". */
export interface MemberInfoChange {
  groupID: string;
  userID: string;
  nickname: string | null;
  faceURL: string | null;
  roleLevel: number | null;
  ex: string | null;
}

const MEMBER_CHANGE_EXAMPLE: MemberInfoChange = {
  groupID: 'g1',
  userID: 'member',
  nickname: 'nick',
  faceURL: 'https://example.com/u.png',
  roleLevel: 60,
  ex: 'x',
};

// The key is `nickName` in these two callbacks (OpenIM's, and the seed page's), in the request and
// in the answer.
const MEMBER_FIELDS = { nickName: 'nickname', faceURL: 'faceURL', roleLevel: 'roleLevel', ex: 'ex' } as const;

const bodyView = object({
  groupID: str,
  userID: str,
  nickName: nullStr,
  faceURL: nullStr,
  roleLevel: nullInt,
  ex: nullStr,
});

const body = (e: MemberInfoChange) => ({
  groupID: e.groupID,
  userID: e.userID,
  ...(wireFields(MEMBER_FIELDS, e) as {
    nickName: string | null;
    faceURL: string | null;
    roleLevel: number | null;
    ex: string | null;
  }),
});

export const beforeSetGroupMemberInfo = defineCallback({
  key: 'beforeSetGroupMemberInfo',
  phase: 'before',
  fires: 'set_group_member_info, once per entry, after the permission checks, before the write',
  example: MEMBER_CHANGE_EXAMPLE,
  openim: { command: 'callbackBeforeSetGroupMemberInfoCommand', view: bodyView, body },
  modifiable: obj({
    nickName: optStr({ max: LIMITS.nickname }),
    faceURL: optStr({ max: LIMITS.faceURL }),
    roleLevel: optInt({ oneOf: [20, 60] }),
    ex: optStr({ max: LIMITS.ex }),
  }),
  answer: { kind: 'fields', fields: MEMBER_FIELDS },
  answerExample: { nickName: 'user', roleLevel: 20 },
});

export const afterSetGroupMemberInfo = defineCallback({
  key: 'afterSetGroupMemberInfo',
  phase: 'after',
  fires: 'set_group_member_info, once per entry, with the final values',
  example: MEMBER_CHANGE_EXAMPLE,
  openim: { command: 'callbackAfterSetGroupMemberInfoCommand', view: bodyView, body },
  // Tencent reports role and name card only: an entry that changed neither sends nothing.
  tencent: {
    command: 'Group.CallbackAfterMemberFieldChanged',
    view: object(
      { GroupId: str, Type: str, Operator_Account: str, Member_Account: str, Role: str, NameCard: str, EventTime: int },
      undefined,
      ['Role', 'NameCard'],
    ),
    bodies: (events: MemberInfoChange[], ctx) =>
      events
        .filter((e) => e.roleLevel !== null || e.nickname !== null)
        .map((e) => ({
          GroupId: e.groupID,
          Type: typeOf(ctx, e.groupID),
          Operator_Account: ctx.operator,
          Member_Account: e.userID,
          ...(e.roleLevel !== null ? { Role: tencentRole(e.roleLevel) } : {}),
          ...(e.nickname !== null ? { NameCard: e.nickname } : {}),
          EventTime: ctx.eventTime,
        })),
  },
});
