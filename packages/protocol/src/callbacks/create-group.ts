import { str, int, initMembers, object, array, tencentMembers } from './views.js';
import { LIMITS, obj, optStr } from '../schema.js';
import { GroupInfo, pickGroupInfo } from '../wire.js';
import { tencentGroupType } from '../dialects/tencent.js';
import { sameNames } from './apply.js';
import { EXAMPLE_GROUP, EXAMPLE_INIT_MEMBERS } from './examples.js';
import { defineCallback, memberAccounts, perEvent, type TencentContext } from './define.js';
import { GROUP_SETTINGS_FIELDS } from './group-info.js';

export interface InitMember {
  userID: string;
  roleLevel: number;
}

type CreateEvent = GroupInfo & { initMemberList: InitMember[] };

// Tencent lists the initial members without the owner (its sample does), the owner apart.
const tencentCreate = (e: CreateEvent, ctx: TencentContext) => ({
  Operator_Account: ctx.operator,
  Owner_Account: e.ownerUserID,
  Type: tencentGroupType(e.groupType),
  Name: e.groupName,
  MemberList: memberAccounts(e.initMemberList.filter((m) => m.userID !== e.ownerUserID).map((m) => m.userID)),
});

const tencentCreateFields = {
  Operator_Account: str,
  Owner_Account: str,
  Type: str,
  Name: str,
  MemberList: tencentMembers,
};

export const beforeCreateGroup = defineCallback({
  key: 'beforeCreateGroup',
  phase: 'before',
  fires: 'create_group, after validation, before the group is written',
  example: { ...EXAMPLE_GROUP, operationID: 'op-1', initMemberList: EXAMPLE_INIT_MEMBERS },
  openim: {
    command: 'callbackBeforeCreateGroupCommand',
    view: object({ operationID: str, ...GroupInfo.fields, initMemberList: initMembers }),
    // The group as requested (groupID may be "" when huddle will generate it), then its members.
    body: (e: GroupInfo & { operationID: string; initMemberList: InitMember[] }) => ({
      operationID: e.operationID,
      ...pickGroupInfo(e),
      initMemberList: e.initMemberList.map((m) => ({ userID: m.userID, roleLevel: m.roleLevel })),
    }),
  },
  // Allow or deny only: Tencent documents no modification fields for this callback.
  tencent: {
    command: 'Group.CallbackBeforeCreateGroup',
    view: object({ ...tencentCreateFields, EventTime: int }),
    bodies: perEvent((e: CreateEvent, ctx) => ({ ...tencentCreate(e, ctx), EventTime: ctx.eventTime })),
  },
  modifiable: obj({ groupID: optStr({ max: LIMITS.id }), ...GROUP_SETTINGS_FIELDS }),
  answer: { kind: 'fields', fields: sameNames(['groupID', ...Object.keys(GROUP_SETTINGS_FIELDS)]) },
  answerExample: { groupID: 'g-reviewed', groupName: 'team (reviewed)', needVerification: 2 },
});

export const afterCreateGroup = defineCallback({
  key: 'afterCreateGroup',
  phase: 'after',
  fires: 'create_group, once the group is committed',
  example: { ...EXAMPLE_GROUP, initMemberList: EXAMPLE_INIT_MEMBERS },
  openim: {
    command: 'callbackAfterCreateGroupCommand',
    view: object({ ...GroupInfo.fields, initMemberList: initMembers }),
    // Each initial member once, with its real role (OpenIM repeats owner and admins as 20).
    body: (e: CreateEvent) => ({
      ...pickGroupInfo(e),
      initMemberList: e.initMemberList.map((m) => ({ userID: m.userID, roleLevel: m.roleLevel })),
    }),
  },
  // Seed 001, field for field. Tencent's custom group fields are key/value pairs; huddle's one
  // custom field, `ex`, goes as the key "ex" when set.
  tencent: {
    command: 'Group.CallbackAfterCreateGroup',
    view: object({
      GroupId: str,
      ...tencentCreateFields,
      UserDefinedDataList: array(object({ Key: str, Value: str })),
      EventTime: int,
    }),
    bodies: perEvent((e: CreateEvent, ctx) => ({
      GroupId: e.groupID,
      ...tencentCreate(e, ctx),
      UserDefinedDataList: e.ex === '' ? [] : [{ Key: 'ex', Value: e.ex }],
      EventTime: ctx.eventTime,
    })),
  },
});
