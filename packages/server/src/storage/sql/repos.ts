import type { Kysely } from 'kysely';
import type { Repos, Store } from '../store.js';
import { retryTransient } from '../tx-retry.js';
import { connectionHistoryRepo } from './connection-history.js';
import { conversationRepo } from './conversations.js';
import { activityRepo } from './activity.js';
import { decisionRepo } from './decisions.js';
import { deliveryStatsRepo } from './delivery-stats.js';
import { eventRepo } from './events.js';
import { groupRepo } from './groups.js';
import { memberRepo } from './members.js';
import { messageRepo } from './messages.js';
import { presenceRepo } from './presence.js';
import { requestRepo } from './requests.js';
import { rateBucketRepo } from './rate-buckets.js';
import { secretFailureRepo } from './secret-failures.js';
import { settingRepo } from './settings.js';
import { syncLogRepo } from './sync-log.js';
import type { Capabilities, Database } from './tables.js';
import { tokenRepo } from './tokens.js';
import { userRepo } from './users.js';

/** The repositories over one connection or transaction; the SQL is shared by every engine. */
export function makeRepos(
  db: Kysely<Database>,
  caps: Capabilities,
  afterCommit: (fn: () => void) => void = (fn) => fn(),
): Repos {
  return {
    afterCommit,
    users: userRepo(db),
    tokens: tokenRepo(db),
    groups: groupRepo(db, caps),
    members: memberRepo(db),
    requests: requestRepo(db),
    events: eventRepo(db, caps),
    deliveryStats: deliveryStatsRepo(db),
    activity: activityRepo(db),
    settings: settingRepo(db),
    rateBuckets: rateBucketRepo(db),
    secretFailures: secretFailureRepo(db),
    messages: messageRepo(db),
    conversations: conversationRepo(db),
    syncLog: syncLogRepo(db),
    presence: presenceRepo(db),
    decisions: decisionRepo(db),
    connectionHistory: connectionHistoryRepo(db),
  };
}

/**
 * The engine-neutral part of a Store: repositories, transactions with after-commit callbacks, close.
 * A transaction that fails with an error `isTransient` accepts (a lost race) runs again, bounded.
 */
export function kyselyStore(
  db: Kysely<Database>,
  caps: Capabilities,
  isTransient: (err: unknown) => boolean,
): Pick<Store, 'repos' | 'tx' | 'close'> {
  return {
    repos: makeRepos(db, caps),
    async tx(fn) {
      return retryTransient(async () => {
        // Per attempt: a rolled-back attempt's callbacks are dropped, the committed one's run once.
        const committed: (() => void)[] = [];
        const result = await db.transaction().execute((trx) => fn(makeRepos(trx, caps, (f) => committed.push(f))));
        for (const f of committed) f();
        return result;
      }, isTransient);
    },
    async close() {
      await db.destroy();
    },
  };
}
