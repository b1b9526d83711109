import { int, nullInt, nullStr, object, str } from './views.js';
import { LIMITS, obj, optInt, optStr } from '../schema.js';
import { sameNames } from './apply.js';
import { defineCallback, plainAnswerStr, typeOf, type TencentContext } from './define.js';

/** A change of group settings; null means "not part of this change". */
export interface GroupInfoChange {
  operationID: string;
  groupID: string;
  groupName: string | null;
  notification: string | null;
  introduction: string | null;
  faceURL: string | null;
  ex: string | null;
  needVerification: number | null;
  lookMemberInfo: number | null;
  applyMemberFriend: number | null;
  /** After-hooks: the fields that really changed (a request may repeat current values). */
  changed?: readonly string[];
}

const INFO_CHANGE_EXAMPLE: GroupInfoChange = {
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

/** Tencent reports changes of these four only, and only the ones that changed. */
const TENCENT_INFO_FIELDS = [
  ['groupName', 'Name'],
  ['introduction', 'Introduction'],
  ['notification', 'Notification'],
  ['faceURL', 'FaceUrl'],
] as const;

const tencentInfoChanged = {
  command: 'Group.CallbackAfterGroupInfoChanged',
  view: object(
    {
      GroupId: str,
      Type: str,
      Operator_Account: str,
      Name: str,
      Introduction: str,
      Notification: str,
      FaceUrl: str,
      EventTime: int,
    },
    undefined,
    ['Name', 'Introduction', 'Notification', 'FaceUrl'],
  ),
  bodies: (events: GroupInfoChange[], ctx: TencentContext) =>
    events.flatMap((e) => {
      const changed = TENCENT_INFO_FIELDS.filter(([k]) => e[k] !== null && (e.changed ?? [k]).includes(k));
      if (changed.length === 0) return [];
      return [
        {
          GroupId: e.groupID,
          Type: typeOf(ctx, e.groupID),
          Operator_Account: ctx.operator,
          ...Object.fromEntries(changed.map(([k, t]) => [t, e[k]])),
          EventTime: ctx.eventTime,
        },
      ];
    }),
};

/** Group settings a business server may rewrite (set-group-info hooks, and beforeCreateGroup). */
export const GROUP_SETTINGS_FIELDS = {
  groupName: optStr({ max: LIMITS.groupName }),
  notification: optStr({ max: LIMITS.notification }),
  introduction: optStr({ max: LIMITS.introduction }),
  faceURL: optStr({ max: LIMITS.faceURL }),
  ex: optStr({ max: LIMITS.ex }),
  needVerification: optInt({ min: 0, max: 2 }),
  lookMemberInfo: optInt({ min: 0, max: 1 }),
  applyMemberFriend: optInt({ min: 0, max: 1 }),
};

/**
 * Never the groupID: a hook cannot redirect the change to another group. set_group_info_ex's
 * answer mirrors its wrappers: null leaves a field as is, "" clears it.
 */
const settingsModification = obj(GROUP_SETTINGS_FIELDS);
const settingsAnswer = { kind: 'fields', fields: sameNames(Object.keys(GROUP_SETTINGS_FIELDS)) } as const;

/**
 * set_group_info's answer, as OpenIM reads it: groupName, notification, introduction and faceURL
 * are plain strings, "" for "unchanged" (a business server that echoes the request sends "" for
 * every field the caller left alone; applying those would wipe them). The others are pointers.
 */
const plainSettingsModification = obj({
  ...GROUP_SETTINGS_FIELDS,
  groupName: plainAnswerStr({ max: LIMITS.groupName }),
  notification: plainAnswerStr({ max: LIMITS.notification }),
  introduction: plainAnswerStr({ max: LIMITS.introduction }),
  faceURL: plainAnswerStr({ max: LIMITS.faceURL }),
});

const settingsView = {
  groupName: nullStr,
  notification: nullStr,
  introduction: nullStr,
  faceURL: nullStr,
  ex: nullStr,
  needVerification: nullInt,
  lookMemberInfo: nullInt,
  applyMemberFriend: nullInt,
};
const wrapperView = object({ operationID: str, groupID: str, ...settingsView });
const plainView = object({
  operationID: str,
  groupID: str,
  ...settingsView,
  groupName: str,
  notification: str,
  introduction: str,
  faceURL: str,
});

// set_group_info_ex: every field nullable, bare values (not {"value": …}).
const wrapperBody = (e: GroupInfoChange) => ({
  operationID: e.operationID,
  groupID: e.groupID,
  groupName: e.groupName,
  notification: e.notification,
  introduction: e.introduction,
  faceURL: e.faceURL,
  ex: e.ex,
  needVerification: e.needVerification,
  lookMemberInfo: e.lookMemberInfo,
  applyMemberFriend: e.applyMemberFriend,
});

// set_group_info: the four plain strings are "" for "unchanged", as OpenIM sends them.
const plainBody = (e: GroupInfoChange) => ({
  ...wrapperBody(e),
  groupName: e.groupName ?? '',
  notification: e.notification ?? '',
  introduction: e.introduction ?? '',
  faceURL: e.faceURL ?? '',
});

export const beforeSetGroupInfo = defineCallback({
  key: 'beforeSetGroupInfo',
  phase: 'before',
  fires: 'set_group_info, after its checks, before the write',
  example: INFO_CHANGE_EXAMPLE,
  openim: { command: 'callbackBeforeSetGroupInfoCommand', view: plainView, body: plainBody },
  modifiable: plainSettingsModification,
  answer: settingsAnswer,
  answerExample: { groupName: 'team (reviewed)', notification: '', ex: '{"tier":"gold"}' },
});

export const afterSetGroupInfo = defineCallback({
  key: 'afterSetGroupInfo',
  phase: 'after',
  fires: 'set_group_info, when something changed',
  example: INFO_CHANGE_EXAMPLE,
  openim: { command: 'callbackAfterSetGroupInfoCommand', view: plainView, body: plainBody },
  tencent: tencentInfoChanged,
});

export const beforeSetGroupInfoEx = defineCallback({
  key: 'beforeSetGroupInfoEx',
  phase: 'before',
  fires: 'set_group_info_ex, after its checks, before the write',
  example: INFO_CHANGE_EXAMPLE,
  openim: { command: 'callbackBeforeSetGroupInfoExCommand', view: wrapperView, body: wrapperBody },
  modifiable: settingsModification,
  answer: settingsAnswer,
  answerExample: { groupName: 'team (reviewed)', notification: null, ex: '{"tier":"gold"}' },
});

export const afterSetGroupInfoEx = defineCallback({
  key: 'afterSetGroupInfoEx',
  phase: 'after',
  fires: 'set_group_info_ex, when something changed',
  example: INFO_CHANGE_EXAMPLE,
  openim: { command: 'callbackAfterSetGroupInfoExCommand', view: wrapperView, body: wrapperBody },
  tencent: tencentInfoChanged,
});
