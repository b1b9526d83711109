// Who watches whose online state (2005 subscriptions), both ways: a user's change reaches its
// watchers without a walk over every connection.

import type { Connection } from './connection.js';

/** Users a connection may watch at once (OpenIM's SDKs subscribe a handful, a contact list at most). */
export const MAX_SUBSCRIPTIONS = 1000;

export class Watchers {
  private readonly byWatched = new Map<string, Set<Connection>>();
  private readonly byConnection = new Map<Connection, Set<string>>();

  /** Returns false when `conn` would watch more than MAX_SUBSCRIPTIONS users. */
  update(conn: Connection, subscribe: readonly string[], unsubscribe: readonly string[]): boolean {
    const mine = this.byConnection.get(conn);
    for (const u of unsubscribe) {
      mine?.delete(u);
      this.byWatched.get(u)?.delete(conn);
      if (this.byWatched.get(u)?.size === 0) this.byWatched.delete(u);
    }
    const fresh = subscribe.filter((u) => !mine?.has(u));
    if ((mine?.size ?? 0) + new Set(fresh).size > MAX_SUBSCRIPTIONS) return false;
    if (fresh.length > 0) {
      const watched = mine ?? new Set<string>();
      this.byConnection.set(conn, watched);
      for (const u of fresh) {
        watched.add(u);
        const set = this.byWatched.get(u) ?? new Set<Connection>();
        this.byWatched.set(u, set);
        set.add(conn);
      }
    } else if (mine?.size === 0) this.byConnection.delete(conn);
    return true;
  }

  of(userID: string): ReadonlySet<Connection> {
    return this.byWatched.get(userID) ?? new Set();
  }

  forget(conn: Connection): void {
    const mine = this.byConnection.get(conn);
    if (mine) this.update(conn, [], [...mine]);
  }
}
