import type { Kysely } from 'kysely';
import type { Repos } from '../store.js';
import { eventRepo } from './events.js';
import { groupRepo } from './groups.js';
import { memberRepo } from './members.js';
import { requestRepo } from './requests.js';
import { settingRepo } from './settings.js';
import type { Capabilities, Database } from './tables.js';
import { tokenRepo } from './tokens.js';
import { userRepo } from './users.js';

/** The repositories over one connection or transaction; the SQL is shared by every engine. */
export function makeRepos(db: Kysely<Database>, caps: Capabilities, afterCommit: (fn: () => void) => void = (fn) => fn()): Repos {
  return {
    afterCommit,
    users: userRepo(db),
    tokens: tokenRepo(db),
    groups: groupRepo(db, caps),
    members: memberRepo(db),
    requests: requestRepo(db),
    events: eventRepo(db, caps),
    settings: settingRepo(db),
  };
}
