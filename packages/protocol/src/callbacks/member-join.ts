import { str, int, strList, tencentMembers, object, array } from './views.js';
import { arr, LIMITS, obj, optInt, optStr, str as strSchema } from '../schema.js';
import { tencentGroupType, tencentJoinType } from '../dialects/tencent.js';
import { sameNames } from './apply.js';
import { defineCallback, memberAccounts, perEvent, typeOf } from './define.js';

/** Members about to be inserted, and what the business server may set on each. */
export const beforeMemberJoinGroup = defineCallback({
  key: 'beforeMemberJoinGroup',
  phase: 'before',
  fires: 'every membership insert (create_group, direct join, invitation, approved application), before the write',
  example: { groupID: 'g1', memberList: [{ userID: 'u1', ex: '' }], groupEx: 'gx' },
  openim: {
    command: 'callbackBeforeMembersJoinGroupCommand',
    view: object({ groupID: str, memberList: array(object({ userID: str, ex: str })), groupEx: str }),
    body: (e: { groupID: string; memberList: { userID: string; ex: string }[]; groupEx: string }) => ({
      groupID: e.groupID,
      memberList: e.memberList.map((m) => ({ userID: m.userID, ex: m.ex })),
      groupEx: e.groupEx,
    }),
  },
  modifiable: obj({
    memberCallbackList: arr(
      obj({
        userID: strSchema({ max: LIMITS.id, required: true }),
        nickname: optStr({ max: LIMITS.nickname }),
        faceURL: optStr({ max: LIMITS.faceURL }),
        // Never 100: ownership only moves through transfer_group.
        roleLevel: optInt({ oneOf: [20, 60] }),
        muteEndTime: optInt({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        ex: optStr({ max: LIMITS.ex }),
      }),
      { max: LIMITS.list },
    ),
  }),
  answer: {
    kind: 'entries',
    list: 'memberCallbackList',
    key: 'userID',
    fields: sameNames(['nickname', 'faceURL', 'roleLevel', 'muteEndTime', 'ex']),
    unknown: 'who is not joining',
  },
  answerExample: {
    memberCallbackList: [
      { userID: 'u1', nickname: 'Alice', roleLevel: 60, muteEndTime: 1_700_000_600_000, ex: 'invited by HR' },
    ],
  },
});

export const beforeApplyJoinGroup = defineCallback({
  key: 'beforeApplyJoinGroup',
  phase: 'before',
  fires: 'join_group (direct or by application), after its checks, before the write',
  example: { groupID: 'g1', groupType: 2, applyID: 'u1', reqMessage: 'hi', ex: '' },
  openim: {
    command: 'callbackBeforeJoinGroupCommand',
    view: object({ groupID: str, groupType: int, applyID: str, reqMessage: str, ex: str }),
    // groupType is a number here (OpenIM sends a one-character string).
    body: (e: { groupID: string; groupType: number; applyID: string; reqMessage: string; ex: string }) => ({
      groupID: e.groupID,
      groupType: e.groupType,
      applyID: e.applyID,
      reqMessage: e.reqMessage,
      ex: e.ex,
    }),
  },
  // Allow or deny; approval, where the group needs it, still follows (as in Tencent).
  tencent: {
    command: 'Group.CallbackBeforeApplyJoinGroup',
    view: object({ GroupId: str, Type: str, Requestor_Account: str, EventTime: int }),
    bodies: perEvent((e: { groupID: string; groupType: number; applyID: string }, ctx) => ({
      GroupId: e.groupID,
      Type: tencentGroupType(e.groupType),
      Requestor_Account: e.applyID,
      EventTime: ctx.eventTime,
    })),
  },
});

export const beforeInviteUserToGroup = defineCallback({
  key: 'beforeInviteUserToGroup',
  phase: 'before',
  fires: 'invite_user_to_group, after its checks, before the write',
  example: { operationID: 'op-1', groupID: 'g1', reason: 'r', invitedUserIDs: ['u1', 'u2'] },
  openim: {
    command: 'callbackBeforeInviteJoinGroupCommand',
    view: object({ operationID: str, groupID: str, reason: str, invitedUserIDs: strList }),
    body: (e: { operationID: string; groupID: string; reason: string; invitedUserIDs: string[] }) => ({
      operationID: e.operationID,
      groupID: e.groupID,
      reason: e.reason,
      invitedUserIDs: e.invitedUserIDs,
    }),
  },
  tencent: {
    command: 'Group.CallbackBeforeInviteJoinGroup',
    view: object({
      GroupId: str,
      Type: str,
      Operator_Account: str,
      DestinationMembers: tencentMembers,
      EventTime: int,
    }),
    bodies: perEvent((e: { groupID: string; invitedUserIDs: string[] }, ctx) => ({
      GroupId: e.groupID,
      Type: typeOf(ctx, e.groupID),
      Operator_Account: ctx.operator,
      DestinationMembers: memberAccounts(e.invitedUserIDs),
      EventTime: ctx.eventTime,
    })),
    modification: {
      refusedMembersAccount: {
        answerKey: 'RefusedMembers_Account',
        description: 'these invitees are refused, the rest admitted',
      },
    },
  },
  // Honoured here (OpenIM parses and ignores it): these invitees are refused, the rest admitted.
  modifiable: obj({
    refusedMembersAccount: arr(strSchema({ max: LIMITS.id, required: true }), { max: LIMITS.list }),
  }),
  answer: { kind: 'remove', list: 'refusedMembersAccount', unknown: 'who was not invited' },
  answerExample: { refusedMembersAccount: ['u2'] },
});

/** The seed page's event: one per member who joins, by any path. */
export const afterMemberJoinGroup = defineCallback({
  key: 'afterMemberJoinGroup',
  phase: 'after',
  fires: 'each member who joins: direct join, invitation, admin add, approved application',
  example: { groupID: 'g1', userID: 'u1', ex: '', groupEx: 'gx' },
  openim: {
    command: 'callbackAfterMemberJoinGroupCommand',
    view: object({ groupID: str, userID: str, ex: str, groupEx: str }),
    body: (e: { groupID: string; userID: string; ex: string; groupEx: string }) => ({
      groupID: e.groupID,
      userID: e.userID,
      ex: e.ex,
      groupEx: e.groupEx,
    }),
  },
});

/** OpenIM's own after-join event; sent for every join path (OpenIM: direct joins only). */
export const afterJoinGroup = defineCallback({
  key: 'afterJoinGroup',
  phase: 'after',
  fires: 'each member who joins, by any path (OpenIM fires it for direct joins only)',
  example: { operationID: 'op-1', groupID: 'g1', reqMessage: 'hi', joinSource: 3, inviterUserID: 'u1' },
  openim: {
    command: 'callbackAfterJoinGroupCommand',
    view: object({ operationID: str, groupID: str, reqMessage: str, joinSource: int, inviterUserID: str }),
    // As OpenIM: `inviterUserID` carries the user who joined.
    body: (e: {
      operationID: string;
      groupID: string;
      reqMessage: string;
      joinSource: number;
      inviterUserID: string;
    }) => ({
      operationID: e.operationID,
      groupID: e.groupID,
      reqMessage: e.reqMessage,
      joinSource: e.joinSource,
      inviterUserID: e.inviterUserID,
    }),
  },
  // One callback per operation and join type, with every member who joined (Tencent batches).
  tencent: {
    command: 'Group.CallbackAfterNewMemberJoin',
    view: object({
      GroupId: str,
      Type: str,
      JoinType: str,
      Operator_Account: str,
      NewMemberList: tencentMembers,
      EventTime: int,
    }),
    bodies: (events: { groupID: string; joinSource: number; inviterUserID: string }[], ctx) => {
      const batches = new Map<string, { groupID: string; joinType: string; userIDs: string[] }>();
      for (const e of events) {
        const joinType = tencentJoinType(e.joinSource);
        const key = `${e.groupID}\u0000${joinType}`;
        const batch = batches.get(key) ?? { groupID: e.groupID, joinType, userIDs: [] };
        batch.userIDs.push(e.inviterUserID);
        batches.set(key, batch);
      }
      return [...batches.values()].map((b) => ({
        GroupId: b.groupID,
        Type: typeOf(ctx, b.groupID),
        JoinType: b.joinType,
        Operator_Account: ctx.operator,
        NewMemberList: memberAccounts(b.userIDs),
        EventTime: ctx.eventTime,
      }));
    },
  },
});

/** A join filled the group to HUDDLE_MAX_GROUP_MEMBERS (huddle's limit; OpenIM has none). */
export const afterGroupFull = defineCallback({
  key: 'afterGroupFull',
  phase: 'after',
  fires: 'a join fills the group to HUDDLE_MAX_GROUP_MEMBERS (only when that limit is set)',
  example: { groupID: 'g1', memberCount: 3, maxMemberCount: 3 },
  openim: {
    // huddle's own command: OpenIM has no member limit and no such callback.
    command: 'callbackAfterGroupFullCommand',
    view: object({ groupID: str, memberCount: int, maxMemberCount: int }),
    body: (e: { groupID: string; memberCount: number; maxMemberCount: number }) => ({
      groupID: e.groupID,
      memberCount: e.memberCount,
      maxMemberCount: e.maxMemberCount,
    }),
  },
  tencent: {
    command: 'Group.CallbackAfterGroupFull',
    view: object({ GroupId: str, EventTime: int }),
    bodies: perEvent((e: { groupID: string }, ctx) => ({ GroupId: e.groupID, EventTime: ctx.eventTime })),
  },
});
