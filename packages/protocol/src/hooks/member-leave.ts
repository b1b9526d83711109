import { defineHook } from './define.js';

export const afterQuitGroup = defineHook({
  key: 'afterQuitGroup',
  phase: 'after',
  fires: 'quit_group (also when an app admin removes a user through it)',
  openim: {
    command: 'callbackAfterQuitGroupCommand',
    body: (e: { groupID: string; userID: string }) => ({ groupID: e.groupID, userID: e.userID }),
  },
});

export const afterKickGroupMember = defineHook({
  key: 'afterKickGroupMember',
  phase: 'after',
  fires: 'kick_group',
  openim: {
    command: 'callbackAfterKickGroupCommand',
    body: (e: { groupID: string; kickedUserIDs: string[]; reason: string }) => ({
      groupID: e.groupID,
      kickedUserIDs: e.kickedUserIDs,
      reason: e.reason,
    }),
  },
});
