// What one group operation changed, as data: what its sync logs and notifications are made from.

import type { MemberRecord } from '../storage/records.js';

export type GroupChange =
  | { kind: 'created'; groupID: string; memberIDs: readonly string[] }
  | { kind: 'infoSet'; groupID: string; changed: readonly string[] }
  | { kind: 'muted' | 'unmuted'; groupID: string }
  | { kind: 'applied'; groupID: string; userIDs: readonly string[] }
  | { kind: 'joined'; groupID: string; userIDs: readonly string[]; via: 'entered' | 'invited' | 'accepted' }
  /** A request refused, or accepted when its applicant was already a member (nobody joins). */
  | { kind: 'applicationAnswered'; groupID: string; userID: string; accepted: boolean }
  /** `members`: the leavers' rows as they were before they left. */
  | { kind: 'left'; groupID: string; members: readonly MemberRecord[]; via: 'quit' | 'kicked' }
  | { kind: 'ownerTransferred'; groupID: string; oldOwnerUserID: string; newOwnerUserID: string }
  | { kind: 'dismissed'; groupID: string; memberIDs: readonly string[]; membersDeleted: boolean }
  | { kind: 'memberMuted'; groupID: string; userID: string; mutedSeconds: number }
  | { kind: 'memberUnmuted'; groupID: string; userID: string }
  /** Per member: the role it was given, if any, and whether nickname, face or ex were set. */
  | { kind: 'membersSet'; groupID: string; set: readonly { userID: string; roleLevel?: number; profile: boolean }[] };
