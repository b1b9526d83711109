// What every domain operation receives about who is calling, and the roles and constants of the
// group model (OpenIM's numbers).

import type { Store } from '../storage/store.js';
import type { CallbackHooks } from '../webhooks/hooks.js';

export interface Caller {
  userID: string;
  platformID: number;
  /** Listed in HUDDLE_ADMIN_USER_IDS. A stored appMangerLevel never makes anyone an admin. */
  isAppAdmin: boolean;
}

export interface OpContext {
  operationID: string;
  caller: Caller;
  /** The API caller's address, for callbacks that report it. */
  clientIP: string;
}

export interface DomainDeps {
  store: Store;
  now: () => number;
  hooks: CallbackHooks;
  /** HUDDLE_MAX_GROUP_MEMBERS: members a group may have; 0 for no limit (OpenIM has none). */
  maxGroupMembers?: number;
}

export { Role } from '@huddle/protocol';

export const GroupStatus = { Ok: 0, Banned: 1, Dismissed: 2, Muted: 3 } as const;

/** The only group type OpenIM accepts at creation ("working group"). */
export const WORKING_GROUP = 2;

export const NeedVerification = {
  /** Applications need approval; invitations add directly. */
  ApplyNeedsApprovalInviteDirect: 0,
  /** Applications need approval; invitations by ordinary members become applications. */
  AllNeedApproval: 1,
  /** join_group adds at once; invitations add directly. */
  Directly: 2,
} as const;

export const JoinSource = { Admin: 1, Invitation: 2, Search: 3, QRCode: 4 } as const;

export const HandleResult = { Pending: 0, Accepted: 1, Refused: -1 } as const;

export const Platform = { Admin: 10, Min: 1, Max: 11 } as const;
