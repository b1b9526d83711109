import { LIMITS, obj, optInt, optStr } from '../schema.js';
import { pickGroupInfo, type GroupInfo } from '../wire.js';
import { defineHook } from './define.js';

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
  modifiable: obj({
    groupID: optStr({ max: LIMITS.id }),
    groupName: optStr({ max: LIMITS.groupName }),
    notification: optStr({ max: LIMITS.notification }),
    introduction: optStr({ max: LIMITS.introduction }),
    faceURL: optStr({ max: LIMITS.faceURL }),
    ex: optStr({ max: LIMITS.ex }),
    needVerification: optInt({ min: 0, max: 2 }),
    lookMemberInfo: optInt({ min: 0, max: 1 }),
    applyMemberFriend: optInt({ min: 0, max: 1 }),
  }),
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
