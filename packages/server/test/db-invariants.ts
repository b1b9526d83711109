// What must hold in a huddle database whatever was asked of it, read straight from the tables:
// the group invariants, and the outbox telling the same story as the membership tables. Shared by
// the invariant and fuzz suites and the soak script; each check returns its violations as sentences
// (an empty list is a pass), so a long run can count them instead of stopping at the first.

/** A read-only query on the database (TestServer.query, or queryDatabase with a path or URL). */
export type Query = <T = Record<string, unknown>>(sql: string) => Promise<T[]>;

/**
 * A live group has exactly one owner, memberCount equals its member rows, nobody is twice in a group,
 * and no member row points at a group that does not exist.
 */
export async function groupViolations(query: Query): Promise<string[]> {
  const out: string[] = [];
  const groups = await query<{ group_id: string; member_count: number; status: number; rows_: number; owners: number }>(
    `SELECT g.group_id, g.member_count, g.status,
       (SELECT CAST(COUNT(*) AS INTEGER) FROM group_members m WHERE m.group_id = g.group_id) AS rows_,
       (SELECT CAST(COUNT(*) AS INTEGER) FROM group_members m WHERE m.group_id = g.group_id AND m.role_level = 100) AS owners
     FROM "groups" g`,
  );
  for (const g of groups) {
    if (g.member_count !== g.rows_)
      out.push(`group ${g.group_id}: memberCount ${g.member_count} but ${g.rows_} member rows`);
    if (g.status !== 2 && g.owners !== 1) out.push(`live group ${g.group_id} has ${g.owners} owners`);
    if (g.status === 2 && g.owners > 1) out.push(`dismissed group ${g.group_id} has ${g.owners} owners`);
  }
  const dupes = await query<{ group_id: string; user_id: string }>(
    'SELECT group_id, user_id FROM group_members GROUP BY group_id, user_id HAVING COUNT(*) > 1',
  );
  for (const d of dupes) out.push(`${d.user_id} is more than once in group ${d.group_id}`);
  const orphans = await query<{ group_id: string }>(
    'SELECT DISTINCT m.group_id FROM group_members m WHERE NOT EXISTS (SELECT 1 FROM "groups" g WHERE g.group_id = m.group_id)',
  );
  for (const o of orphans) out.push(`member rows for group ${o.group_id}, which does not exist`);
  return out;
}

interface Story {
  members: Map<string, number>;
  dismissed: boolean;
  /** Events that may not follow a dismissal (anything but a quit). */
  afterDismissal: string[];
}

/** The membership the outbox describes, event by event in commit order (every after-hook enabled). */
function replay(events: { hook: string; payload: string }[]): Map<string, Story> {
  const groups = new Map<string, Story>();
  const story = (id: string) =>
    groups.get(id) ?? groups.set(id, { members: new Map(), dismissed: false, afterDismissal: [] }).get(id)!;
  for (const e of events) {
    const p = JSON.parse(e.payload);
    // User events (registration, profile updates) tell nothing of groups.
    if (typeof p.groupID !== 'string') continue;
    const g = story(p.groupID);
    if (g.dismissed && e.hook !== 'afterQuitGroup') g.afterDismissal.push(e.hook);
    switch (e.hook) {
      case 'afterCreateGroup':
        for (const m of p.initMemberList) g.members.set(m.userID, m.roleLevel);
        break;
      case 'afterMemberJoinGroup':
        g.members.set(p.userID, g.members.get(p.userID) ?? 20);
        break;
      case 'afterQuitGroup':
        g.members.delete(p.userID);
        break;
      case 'afterKickGroupMember':
        for (const u of p.kickedUserIDs) g.members.delete(u);
        break;
      case 'afterTransferGroupOwner': {
        // The old owner takes the new owner's previous role.
        const previous = g.members.get(p.newOwnerUserID) ?? 20;
        g.members.set(p.oldOwnerUserID, previous);
        g.members.set(p.newOwnerUserID, 100);
        break;
      }
      case 'afterSetGroupMemberInfo':
        if (p.roleLevel !== null && p.roleLevel !== undefined) g.members.set(p.userID, p.roleLevel);
        break;
      case 'afterDismissGroup':
        g.dismissed = true;
        break;
    }
  }
  return groups;
}

/**
 * The outbox against the tables, for a database whose every after-hook was enabled from the start:
 * replaying the events in commit order must give each group's members and roles exactly (a group
 * dismissed with deleteMember holds none), nothing but quits may follow a dismissal, and no event
 * may carry the operationID of a request that was refused.
 */
export async function outboxViolations(query: Query, refusedOperationIDs: Iterable<string> = []): Promise<string[]> {
  const out: string[] = [];
  const events = await query<{ hook: string; payload: string; operation_id: string }>(
    'SELECT hook, payload, operation_id FROM webhook_events ORDER BY seq',
  );
  const refused = new Set(refusedOperationIDs);
  for (const e of events)
    if (refused.has(e.operation_id)) out.push(`event ${e.hook} for refused request ${e.operation_id}`);

  const stories = replay(events);
  const rows = await query<{ group_id: string; user_id: string; role_level: number }>(
    'SELECT group_id, user_id, role_level FROM group_members',
  );
  const actual = new Map<string, Map<string, number>>();
  for (const r of rows)
    (actual.get(r.group_id) ?? actual.set(r.group_id, new Map()).get(r.group_id)!).set(r.user_id, r.role_level);
  const groups = await query<{ group_id: string; status: number }>('SELECT group_id, status FROM "groups"');
  for (const { group_id: id, status } of groups) {
    const story = stories.get(id);
    const have = actual.get(id) ?? new Map<string, number>();
    if (!story) {
      out.push(`group ${id} exists but the outbox never reported its creation`);
      continue;
    }
    if (story.afterDismissal.length > 0)
      out.push(`dismissed group ${id} changed after its dismissal: ${story.afterDismissal.join(', ')}`);
    if ((status === 2) !== story.dismissed)
      out.push(`group ${id}: status ${status}, but the outbox says ${story.dismissed ? '' : 'not '}dismissed`);
    // A dismissal with deleteMember empties the group; its event does not say which it was.
    if (status === 2 && have.size === 0) continue;
    const want = roster(story.members);
    const got = roster(have);
    if (want !== got) out.push(`group ${id}: the outbox says members ${want}, the tables hold ${got}`);
  }
  for (const id of stories.keys())
    if (!groups.some((g) => g.group_id === id)) out.push(`events for group ${id}, which does not exist`);
  return out;
}

/** `u1:100 u2:20`, sorted. */
const roster = (members: Map<string, number>) =>
  [...members]
    .map(([u, role]) => `${u}:${role}`)
    .sort()
    .join(' ');

/**
 * Every conversation holds exactly the seqs minSeq..maxSeq, once each; every conversation row's
 * read mark is within what it may read.
 */
export async function messageViolations(query: Query): Promise<string[]> {
  const out: string[] = [];
  const seqs = await query<{
    conversation_id: string;
    min_seq: number;
    max_seq: number;
    n: number;
    lo: number;
    hi: number;
  }>(
    `SELECT s.conversation_id, s.min_seq, s.max_seq,
       (SELECT CAST(COUNT(*) AS INTEGER) FROM messages m WHERE m.conversation_id = s.conversation_id) AS n,
       (SELECT MIN(seq) FROM messages m WHERE m.conversation_id = s.conversation_id) AS lo,
       (SELECT MAX(seq) FROM messages m WHERE m.conversation_id = s.conversation_id) AS hi
     FROM conversation_seqs s`,
  );
  for (const s of seqs) {
    const expected = s.max_seq - s.min_seq + 1;
    if (s.n !== expected || (s.n > 0 && (Number(s.lo) !== s.min_seq || Number(s.hi) !== s.max_seq)))
      out.push(`${s.conversation_id}: seqs ${s.lo}..${s.hi} (${s.n} rows) but numbered ${s.min_seq}..${s.max_seq}`);
  }
  const strays = await query<{ conversation_id: string }>(
    `SELECT DISTINCT m.conversation_id FROM messages m
     WHERE NOT EXISTS (SELECT 1 FROM conversation_seqs s WHERE s.conversation_id = m.conversation_id)`,
  );
  for (const s of strays) out.push(`${s.conversation_id}: messages without a numbering row`);
  const marks = await query<{ owner_user_id: string; conversation_id: string; has_read_seq: number }>(
    `SELECT c.owner_user_id, c.conversation_id, c.has_read_seq FROM conversations c
     LEFT JOIN conversation_seqs s ON s.conversation_id = c.conversation_id
     WHERE c.has_read_seq > COALESCE(s.max_seq, 0)`,
  );
  for (const m of marks)
    out.push(`${m.owner_user_id} has read ${m.conversation_id} up to ${m.has_read_seq}, past its newest message`);
  return out;
}
