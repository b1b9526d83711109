// What every domain operation receives about who is calling, and the roles and constants of the
// group model (OpenIM's numbers).

import type {
  AfterCallbackKey,
  BeforeCallbackKey,
  EventOf,
  CallbackKey,
  Callbacks,
  ModificationOf,
} from '@huddle/protocol';
import type { GroupRecord, MessageRecord } from '../storage/records.js';
import type { EventRepo, Repos, Store } from '../storage/store.js';

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

/** What a callback body may report of the groups its events name (Tencent's Type and Name). */
export type GroupFacts = Pick<GroupRecord, 'groupID' | 'groupType' | 'groupName'>;

/**
 * All an after-callback is given of the operation's transaction: the outbox, and what runs once
 * it commits.
 */
export type Outbox = Pick<Repos, 'afterCommit'> & { events: Pick<EventRepo, 'enqueue'> };

/**
 * Callbacks, as the domain sees them; the webhook module implements this port (the domain imports
 * nothing from it). The operation passes the groups its events name, so the callback layer never
 * reads storage.
 */
export interface CallbackPort {
  /**
   * Whether any active endpoint enables the hook; for a message hook given its event, whether one
   * also lets it through its filters (deniedTypes, attentionIds).
   */
  enabled<K extends CallbackKey>(key: K, event?: EventOf<Callbacks[K]>): boolean;
  /**
   * Asks a before-callback. Returns the validated modification (undefined: proceed unchanged);
   * throws the business server's rejection, or a callback failure when failedContinue is false.
   */
  before<K extends BeforeCallbackKey>(
    ctx: OpContext,
    key: K,
    event: EventOf<Callbacks[K]>,
    groups?: readonly GroupFacts[],
  ): Promise<ModificationOf<Callbacks[K]> | undefined>;
  /**
   * A modification that passed the hook's schema but breaks a rule only the domain knows: returns
   * with failedContinue (the operation proceeds unmodified), otherwise throws CallbackDataError.
   */
  invalidModification(ctx: OpContext, key: BeforeCallbackKey, reason: string): void;
  /** Writes the after-callbacks of the events in the caller's transaction (the outbox). */
  after<K extends AfterCallbackKey>(
    tx: Outbox,
    ctx: OpContext,
    key: K,
    events: EventOf<Callbacks[K]>[],
    groups?: readonly GroupFacts[],
  ): Promise<void>;
}

export interface DomainDeps {
  store: Store;
  now: () => number;
  hooks: CallbackPort;
  /**
   * Told of every message once its transaction commits (stored ones with their seq, online-only
   * ones with 0), with the operation that sent it when there is one: the gateway pushes them.
   */
  onMessages?: (messages: readonly MessageRecord[], operationID?: string) => void;
  /** Told when force_logout revoked a user's tokens on a platform: the gateway kicks its clients. */
  onLogout?: (userID: string, platformID: number) => void;
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

export const Platform = { Web: 5, Admin: 10, Min: 1, Max: 11 } as const;
