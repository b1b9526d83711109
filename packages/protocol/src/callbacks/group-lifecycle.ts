import { str, int, strList, tencentMembers, object } from './views.js';
import { tencentGroupType } from '../dialects/tencent.js';
import { defineCallback, memberAccounts, perEvent, typeOf } from './define.js';

export const afterDismissGroup = defineCallback({
  key: 'afterDismissGroup',
  phase: 'after',
  fires: 'dismiss_group',
  example: { groupID: 'g1', ownerID: 'owner', groupType: 2, membersID: ['owner', 'u1'] },
  openim: {
    command: 'callbackAfterDisMissGroupCommand',
    view: object({ groupID: str, ownerID: str, groupType: int, membersID: strList }),
    // groupType is a number (OpenIM sends a one-character string); membersID lists the members at
    // dismissal even when they are deleted with it (OpenIM sends an empty list then).
    body: (e: { groupID: string; ownerID: string; groupType: number; membersID: string[] }) => ({
      groupID: e.groupID,
      ownerID: e.ownerID,
      groupType: e.groupType,
      membersID: e.membersID,
    }),
  },
  tencent: {
    command: 'Group.CallbackAfterGroupDestroyed',
    view: object({
      GroupId: str,
      Type: str,
      Owner_Account: str,
      Name: str,
      MemberList: tencentMembers,
      EventTime: int,
    }),
    bodies: perEvent((e: { groupID: string; ownerID: string; groupType: number; membersID: string[] }, ctx) => ({
      GroupId: e.groupID,
      Type: tencentGroupType(e.groupType),
      Owner_Account: e.ownerID,
      Name: ctx.group(e.groupID)?.groupName ?? '',
      MemberList: memberAccounts(e.membersID),
      EventTime: ctx.eventTime,
    })),
  },
});

export const afterTransferGroupOwner = defineCallback({
  key: 'afterTransferGroupOwner',
  phase: 'after',
  fires: 'transfer_group',
  example: { groupID: 'g1', oldOwnerUserID: 'owner', newOwnerUserID: 'u1' },
  openim: {
    command: 'callbackAfterTransferGroupOwnerCommand',
    view: object({ groupID: str, oldOwnerUserID: str, newOwnerUserID: str }),
    body: (e: { groupID: string; oldOwnerUserID: string; newOwnerUserID: string }) => ({
      groupID: e.groupID,
      oldOwnerUserID: e.oldOwnerUserID,
      newOwnerUserID: e.newOwnerUserID,
    }),
  },
  tencent: {
    command: 'Group.CallbackAfterChangeGroupOwner',
    view: object({
      GroupId: str,
      Type: str,
      Operator_Account: str,
      OldOwner_Account: str,
      NewOwner_Account: str,
      EventTime: int,
    }),
    bodies: perEvent((e: { groupID: string; oldOwnerUserID: string; newOwnerUserID: string }, ctx) => ({
      GroupId: e.groupID,
      Type: typeOf(ctx, e.groupID),
      Operator_Account: ctx.operator,
      OldOwner_Account: e.oldOwnerUserID,
      NewOwner_Account: e.newOwnerUserID,
      EventTime: ctx.eventTime,
    })),
  },
});
