// OpenIM's conversation IDs and message enums. A message lives in exactly one conversation; every
// conversation numbers its own messages (seq).

export const SessionType = { Single: 1, Group: 3, Notification: 4 } as const;

export const MsgFrom = { User: 100, System: 200 } as const;

/** Message status as stored and served (OpenIM: 1 sending, 2 sent, 3 failed, 4 deleted). */
export const MsgStatus = { Sent: 2, Deleted: 4 } as const;

export const ContentType = { Text: 101, AtText: 106, Typing: 113 } as const;

/** The chat conversation of a group (OpenIM's "super group", session type 3). */
export const groupConversationID = (groupID: string) => `sg_${groupID}`;

/** The chat conversation of two users: their IDs in string order. */
export function singleConversationID(a: string, b: string): string {
  return a <= b ? `si_${a}_${b}` : `si_${b}_${a}`;
}

/** The notification twin of a group's or two users' conversation; `n_<u>_<u>` for a user's own. */
export const groupNotificationID = (groupID: string) => `n_${groupID}`;
export function userNotificationID(a: string, b: string): string {
  return a <= b ? `n_${a}_${b}` : `n_${b}_${a}`;
}

/** The chat conversation whose notification twin is `id`, given the group or peer it concerns. */
export const isNotificationID = (id: string) => id.startsWith('n_');
