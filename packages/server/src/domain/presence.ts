// Online state across instances: each gateway connection is a row of the instance holding it, and
// each instance stamps itself while it runs (gateway/presence-keeper.ts). A user is online on the
// connections of live instances; an instance whose stamp goes stale (it crashed) is swept by any
// other, its connections reported offline. As OpenIM's gateway does, every connection reports its
// own afterUserOnline and afterUserOffline (a user on two devices is reported twice), each written
// in the transaction that records the change.

import type { OfflineReason, UserOfflineEvent } from '@huddle/protocol';
import { noPermission } from '../errors.js';
import type { ConnectionEnd, ConnectionRecord, Page } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import type { DomainDeps, OpContext } from './context.js';
import { sortableIDs } from './ids.js';
import { runOperation } from './operation.js';

/** How often an instance stamps itself. */
export const PRESENCE_HEARTBEAT_MS = 10_000;
/** How long a stamp keeps an instance's connections online: three missed stamps. */
export const PRESENCE_TTL_MS = 3 * PRESENCE_HEARTBEAT_MS;

export interface PresenceDeps extends DomainDeps {
  /** How long an instance's stamp keeps its connections online; default PRESENCE_TTL_MS. */
  presenceTtlMs?: number;
}

/** A connection as the gateway registers it. */
export type Connection = Omit<ConnectionRecord, 'connectedAt'>;

export type { ConnectionEnd };

/** What the connection history keeps of a connection beyond its presence ('' when not known). */
export interface ConnectionDetails {
  remoteAddr: string;
  sdkType: string;
  sdkVersion: string;
}

/** The offline callbacks' reason for a connection's end: only a logout and a kick are told apart. */
const offlineReason = (end: ConnectionEnd): Exclude<OfflineReason, 'timeout'> =>
  end === 'logout' ? 'logout' : end === 'kicked' || end === 'force_logout' ? 'kicked' : 'closed';

/**
 * The most of a client's sdkVersion the history keeps: the client writes it (the upgrade's query,
 * up to the HTTP header limit), and every reconnect would otherwise store it again for the retention.
 */
const SDK_VERSION_MAX = 64;

/** OpenIM's user status: 1 online, 0 offline. */
export const UserStatus = { Offline: 0, Online: 1 } as const;

/** One user's answer in /user/get_users_online_status (OpenIM's GetUsersOnlineStatusResp_SuccessResult). */
export interface UserOnlineStatus {
  userID: string;
  status: number;
  detailPlatformStatus: { platformID: number; connID: string; isBackground: boolean; token: string }[];
}

/** Operation IDs of the changes no request made (a sweep, an instance forgetting its connections). */
const systemOperationID = sortableIDs({ counterDigits: 3, instanceDigits: 3 });

export function presenceService({ store, now, hooks, presenceTtlMs }: PresenceDeps) {
  const ttlMs = presenceTtlMs ?? PRESENCE_TTL_MS;

  const offlineEvent = (ctx: OpContext, c: ConnectionRecord, reason: OfflineReason, at: number): UserOfflineEvent => ({
    operationID: ctx.operationID,
    userID: c.userID,
    platformID: c.platformID,
    seq: at,
    connID: c.connID,
    reason,
  });

  /**
   * afterUserOffline for connections that ended with no request of theirs: each in its user's
   * name and platform (what a Tencent endpoint reports as OptPlatform), under one operation ID.
   */
  async function reportGone(
    tx: Repos,
    gone: readonly ConnectionRecord[],
    reason: OfflineReason,
    kind: Extract<ConnectionEnd, 'swept' | 'restart' | 'shutdown'>,
  ) {
    const at = now();
    await tx.connectionHistory.close(
      gone.map((c) => c.connID),
      at,
      kind,
    );
    const operationID = `${kind === 'swept' ? 'sweep' : kind}-${systemOperationID(at)}`;
    for (const c of gone) {
      const ctx: OpContext = {
        operationID,
        caller: { userID: c.userID, platformID: c.platformID, isAppAdmin: false },
        clientIP: '',
      };
      await hooks.after(tx, ctx, 'afterUserOffline', [offlineEvent(ctx, c, reason, at)]);
    }
  }

  /** Removes connections chosen by `take` in one transaction, reporting each offline; returns them. */
  const removeAll = (
    take: (tx: Repos) => Promise<ConnectionRecord[]>,
    reason: OfflineReason,
    kind: Extract<ConnectionEnd, 'swept' | 'restart' | 'shutdown'>,
  ) =>
    runOperation(store, {
      asks: false,
      check: async () => undefined,
      async write(tx) {
        const gone = await take(tx);
        await reportGone(tx, gone, reason, kind);
        return gone;
      },
    });

  return {
    /** A connection is established: its row, its history's and afterUserOnline, in one transaction. */
    online(ctx: OpContext, conn: Connection & Partial<ConnectionDetails>) {
      return runOperation(store, {
        asks: false,
        check: async () => undefined,
        async write(tx) {
          const at = now();
          const { remoteAddr = '', sdkType = '', sdkVersion = '', ...presence } = conn;
          await tx.presence.connect({ ...presence, connectedAt: at });
          await tx.connectionHistory.open({
            ...presence,
            remoteAddr,
            sdkType,
            sdkVersion: sdkVersion.slice(0, SDK_VERSION_MAX),
            connectedAt: at,
          });
          await hooks.after(tx, ctx, 'afterUserOnline', [
            {
              operationID: ctx.operationID,
              userID: conn.userID,
              platformID: conn.platformID,
              seq: at,
              isAppBackground: conn.background,
              connID: conn.connID,
            },
          ]);
        },
      });
    },

    /**
     * A connection ended: its row goes, its history says why, with afterUserOffline, and
     * afterUserKickOff when it was kicked. Returns false (and reports nothing) when the row was gone
     * already: a sweep took it and reported it offline.
     */
    offline(ctx: OpContext, conn: Pick<Connection, 'connID'>, end: ConnectionEnd) {
      const reason = offlineReason(end);
      return runOperation(store, {
        asks: false,
        check: async () => undefined,
        async write(tx) {
          const gone = await tx.presence.disconnect(conn.connID);
          if (!gone) return false;
          const at = now();
          await tx.connectionHistory.close([conn.connID], at, end);
          await hooks.after(tx, ctx, 'afterUserOffline', [offlineEvent(ctx, gone, reason, at)]);
          if (reason === 'kicked')
            await hooks.after(tx, ctx, 'afterUserKickOff', [
              { operationID: ctx.operationID, userID: gone.userID, platformID: gone.platformID, seq: at },
            ]);
          return true;
        },
      });
    },

    /** WsSetBackgroundStatus; returns whether the connection is registered. */
    setBackground(_ctx: OpContext, connID: string, background: boolean) {
      return store.repos.presence.setBackground(connID, background);
    },

    /**
     * /user/get_users_online_status (app admins only, as on OpenIM): every user asked for, in the
     * order asked, with the connections live instances hold. huddle keeps only a hash of each token,
     * so `token` is always "".
     */
    async status(ctx: OpContext, userIDs: readonly string[]): Promise<UserOnlineStatus[]> {
      if (!ctx.caller.isAppAdmin) throw noPermission('only an app admin may read online status');
      const ids = [...new Set(userIDs)];
      const byUser = new Map<string, UserOnlineStatus['detailPlatformStatus']>();
      for (const c of await store.repos.presence.online(ids, now() - ttlMs)) {
        const list = byUser.get(c.userID) ?? [];
        list.push({ platformID: c.platformID, connID: c.connID, isBackground: c.background, token: '' });
        byUser.set(c.userID, list);
      }
      return ids.map((userID) => {
        const detailPlatformStatus = byUser.get(userID) ?? [];
        const status = detailPlatformStatus.length > 0 ? UserStatus.Online : UserStatus.Offline;
        return { userID, status, detailPlatformStatus };
      });
    },

    /** The platforms each user has connections on, on live instances (for 2005 subscriptions). */
    async onlinePlatforms(userIDs: readonly string[]): Promise<Map<string, number[]>> {
      const out = new Map<string, number[]>(userIDs.map((u) => [u, []]));
      for (const c of await store.repos.presence.online([...new Set(userIDs)], now() - ttlMs)) {
        const list = out.get(c.userID)!;
        if (!list.includes(c.platformID)) list.push(c.platformID);
      }
      for (const list of out.values()) list.sort((a, b) => a - b);
      return out;
    },

    /** /user/get_connection_history (app admins only): the user's connections, newest first. */
    async history(ctx: OpContext, userID: string, page: Page) {
      if (!ctx.caller.isAppAdmin) throw noPermission('only an app admin may read connection history');
      const { total, items } = await store.repos.connectionHistory.ofUser(userID, page);
      return { total, connections: items };
    },

    /** Whether the user has a connection on a live instance. */
    async isOnline(userID: string) {
      return (await store.repos.presence.online([userID], now() - ttlMs)).length > 0;
    },

    /**
     * An instance starts, before it registers any connection: the connections a crashed run left
     * are reported offline (on a database one process owns, SQLite, every connection found; on a
     * shared one, those listed under this instance's ID, should it be reused), then it stamps itself.
     */
    async register(instanceID: string) {
      await removeAll(
        (tx) => (store.shared ? tx.presence.forget(instanceID) : tx.presence.forgetAll()),
        'timeout',
        'restart',
      );
      await store.repos.presence.heartbeat(instanceID, now());
    },

    /** Stamps the instance; false when its row was gone (new, or swept: its connections with it). */
    heartbeat(instanceID: string, at: number) {
      return store.repos.presence.heartbeat(instanceID, at);
    },

    /**
     * Deletes the connections of instances not stamped for `ttl` ms (and of instances with no
     * stamp), and those instances, reporting each connection offline; returns the connections.
     * Instances may sweep at once: each connection is reported by one of them.
     */
    sweep(at: number, ttl = ttlMs) {
      return removeAll((tx) => tx.presence.sweep(at - ttl), 'timeout', 'swept');
    },

    /** A clean shutdown: the instance and whatever connections it still lists, reported offline. */
    forgetInstance(instanceID: string) {
      return removeAll((tx) => tx.presence.forget(instanceID), 'closed', 'shutdown');
    },
  };
}
