import { str, int, strList, tencentMembers, object } from './views.js';
import { defineCallback, memberAccounts, perEvent, typeOf } from './define.js';

export const afterQuitGroup = defineCallback({
  key: 'afterQuitGroup',
  phase: 'after',
  fires: 'quit_group (also when an app admin removes a user through it)',
  example: { groupID: 'g1', userID: 'u1' },
  openim: {
    command: 'callbackAfterQuitGroupCommand',
    view: object({ groupID: str, userID: str }),
    body: (e: { groupID: string; userID: string }) => ({ groupID: e.groupID, userID: e.userID }),
  },
  // An app admin removing someone through quit_group is a removal: Kicked, by the admin.
  tencent: {
    command: 'Group.CallbackAfterMemberExit',
    view: object({
      GroupId: str,
      Type: str,
      ExitType: str,
      Operator_Account: str,
      ExitMemberList: tencentMembers,
      EventTime: int,
    }),
    bodies: perEvent((e: { groupID: string; userID: string }, ctx) => ({
      GroupId: e.groupID,
      Type: typeOf(ctx, e.groupID),
      ExitType: ctx.operator === e.userID ? 'Quit' : 'Kicked',
      Operator_Account: ctx.operator,
      ExitMemberList: memberAccounts([e.userID]),
      EventTime: ctx.eventTime,
    })),
    owns: (body) => body.ExitType === 'Quit',
  },
});

export const afterKickGroupMember = defineCallback({
  key: 'afterKickGroupMember',
  phase: 'after',
  fires: 'kick_group',
  example: { groupID: 'g1', kickedUserIDs: ['u1'], reason: '' },
  openim: {
    command: 'callbackAfterKickGroupCommand',
    view: object({ groupID: str, kickedUserIDs: strList, reason: str }),
    body: (e: { groupID: string; kickedUserIDs: string[]; reason: string }) => ({
      groupID: e.groupID,
      kickedUserIDs: e.kickedUserIDs,
      reason: e.reason,
    }),
  },
  tencent: {
    command: 'Group.CallbackAfterMemberExit',
    view: object({
      GroupId: str,
      Type: str,
      ExitType: str,
      Operator_Account: str,
      ExitMemberList: tencentMembers,
      EventTime: int,
    }),
    bodies: perEvent((e: { groupID: string; kickedUserIDs: string[] }, ctx) => ({
      GroupId: e.groupID,
      Type: typeOf(ctx, e.groupID),
      ExitType: 'Kicked',
      Operator_Account: ctx.operator,
      ExitMemberList: memberAccounts(e.kickedUserIDs),
      EventTime: ctx.eventTime,
    })),
    owns: (body) => body.ExitType === 'Kicked',
  },
});
