import { LIMITS, obj, optStr } from '../schema.js';
import { pickGroupInfo, type GroupInfo } from '../wire.js';
import { defineHook } from './define.js';
import { GROUP_SETTINGS_FIELDS } from './group-info.js';

export interface InitMember {
  userID: string;
  roleLevel: number;
}

export const beforeCreateGroup = defineHook({
  key: 'beforeCreateGroup',
  phase: 'before',
  fires: 'create_group, after validation, before the group is written',
  openim: {
    command: 'callbackBeforeCreateGroupCommand',
    // The group as requested (groupID may be "" when huddle will generate it), then its members.
    body: (e: GroupInfo & { operationID: string; initMemberList: InitMember[] }) => ({
      operationID: e.operationID,
      ...pickGroupInfo(e),
      initMemberList: e.initMemberList.map((m) => ({ userID: m.userID, roleLevel: m.roleLevel })),
    }),
  },
  modifiable: obj({ groupID: optStr({ max: LIMITS.id }), ...GROUP_SETTINGS_FIELDS }),
});

export const afterCreateGroup = defineHook({
  key: 'afterCreateGroup',
  phase: 'after',
  fires: 'create_group, once the group is committed',
  openim: {
    command: 'callbackAfterCreateGroupCommand',
    // Each initial member once, with its real role (OpenIM repeats owner and admins as 20).
    body: (e: GroupInfo & { initMemberList: InitMember[] }) => ({
      ...pickGroupInfo(e),
      initMemberList: e.initMemberList.map((m) => ({ userID: m.userID, roleLevel: m.roleLevel })),
    }),
  },
});
