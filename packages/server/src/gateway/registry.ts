// This instance's connections, by user. OpenIM's default multi-login rule (share.yml
// multiLogin.policy 1, AllLoginButSameTermKick): a user may be online on every platform at once,
// but a new login on a platform replaces the older connections of that platform, unless they
// carry the same token (a reconnect that overtook its own close).

import type { Connection } from './connection.js';

export class Registry {
  private readonly byUser = new Map<string, Set<Connection>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get users(): number {
    return this.byUser.size;
  }

  add(conn: Connection): void {
    const set = this.byUser.get(conn.userID) ?? new Set<Connection>();
    this.byUser.set(conn.userID, set);
    set.add(conn);
    this.count++;
  }

  /** Returns whether it was registered (a connection leaves once). */
  remove(conn: Connection): boolean {
    const set = this.byUser.get(conn.userID);
    if (!set?.delete(conn)) return false;
    this.count--;
    if (set.size === 0) this.byUser.delete(conn.userID);
    return true;
  }

  of(userID: string): ReadonlySet<Connection> {
    return this.byUser.get(userID) ?? EMPTY;
  }

  /** The older connections a login on (userID, platformID) with the token of `tokenHash` replaces. */
  replacedBy(userID: string, platformID: number, tokenHash: string, except?: Connection): Connection[] {
    return [...this.of(userID)].filter((c) => c !== except && c.platformID === platformID && c.tokenHash !== tokenHash);
  }

  *all(): IterableIterator<Connection> {
    for (const set of this.byUser.values()) yield* set;
  }

  userIDs(): IterableIterator<string> {
    return this.byUser.keys();
  }
}

const EMPTY: ReadonlySet<Connection> = new Set();
