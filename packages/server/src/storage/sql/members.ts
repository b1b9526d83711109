import { sql, type Kysely } from 'kysely';
import type { MemberRecord } from '../records.js';
import type { MemberQuery, MemberRepo } from '../store.js';
import { fromRow, MEMBER_COLUMNS, toRow } from './columns.js';
import { containsPattern, window } from './paging.js';
import type { Database, GroupMembersTable } from './tables.js';

/** Members joined to their profiles: an empty in-group nickname or face falls back to the profile's. */
function selectMembers(db: Kysely<Database>) {
  return db
    .selectFrom('group_members as m')
    .leftJoin('users as u', 'u.user_id', 'm.user_id')
    .selectAll('m')
    .select(['u.nickname as profile_nickname', 'u.face_url as profile_face_url']);
}

function toMember(row: Record<string, unknown>): MemberRecord {
  const m = fromRow<MemberRecord, GroupMembersTable>(MEMBER_COLUMNS, row);
  return {
    ...m,
    nickname: m.nickname || ((row.profile_nickname as string | null) ?? ''),
    faceURL: m.faceURL || ((row.profile_face_url as string | null) ?? ''),
  };
}

export function memberRepo(db: Kysely<Database>): MemberRepo {
  function matching(groupID: string, query: MemberQuery) {
    let q = selectMembers(db).where('m.group_id', '=', groupID);
    if (query.roles.length > 0) q = q.where('m.role_level', 'in', query.roles);
    if (query.keyword !== '') {
      // The engine lowers the keyword as it lowers the names (lower() on both sides), so they agree
      // even where JavaScript and the database differ (a word-final Σ: ς in JavaScript, σ in PostgreSQL).
      const like = sql`lower(${containsPattern(query.keyword)}) escape '\\'`;
      q = q.where((eb) =>
        eb.or([
          eb(sql`lower(m.user_id)`, 'like', like),
          eb(sql`lower(m.nickname)`, 'like', like),
          eb.and([eb('m.nickname', '=', ''), eb(sql`lower(u.nickname)`, 'like', like)]),
        ]),
      );
    }
    return q;
  }

  return {
    async insert(members) {
      if (members.length === 0) return;
      await db
        .insertInto('group_members')
        .values(members.map((m) => toRow(MEMBER_COLUMNS, m) as Omit<GroupMembersTable, 'id'>))
        .execute();
    },
    async get(groupID, userID) {
      const row = await selectMembers(db)
        .where('m.group_id', '=', groupID)
        .where('m.user_id', '=', userID)
        .executeTakeFirst();
      return row && toMember(row);
    },
    async find(groupID, userIDs) {
      if (userIDs.length === 0) return [];
      const rows = await selectMembers(db)
        .where('m.group_id', '=', groupID)
        .where('m.user_id', 'in', userIDs)
        .orderBy('m.role_level', 'desc')
        .orderBy('m.id')
        .execute();
      return rows.map(toMember);
    },
    async update(groupID, userID, patch) {
      const row = toRow(MEMBER_COLUMNS, patch);
      if (Object.keys(row).length === 0) return;
      await db
        .updateTable('group_members')
        .set(row)
        .where('group_id', '=', groupID)
        .where('user_id', '=', userID)
        .execute();
    },
    async remove(groupID, userIDs) {
      if (userIDs.length === 0) return 0;
      const res = await db
        .deleteFrom('group_members')
        .where('group_id', '=', groupID)
        .where('user_id', 'in', userIDs)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    async removeAll(groupID) {
      const res = await db.deleteFrom('group_members').where('group_id', '=', groupID).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    async list(groupID, query, page) {
      // Without a keyword the count needs no profile join (~50 µs a call on a 200-member group).
      const counting =
        query.keyword === ''
          ? db
              .selectFrom('group_members as m')
              .where('m.group_id', '=', groupID)
              .$if(query.roles.length > 0, (q) => q.where('m.role_level', 'in', query.roles))
          : matching(groupID, query).clearSelect();
      const total = await counting.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const { limit, offset } = window(page);
      if (limit === 0) return { total: Number(total.n), items: [] };
      const rows = await matching(groupID, query)
        .orderBy('m.role_level', 'desc')
        .orderBy('m.id')
        .limit(limit)
        .offset(offset)
        .execute();
      return { total: Number(total.n), items: rows.map(toMember) };
    },
    async groupIDsOf(userID) {
      const rows = await db.selectFrom('group_members').select('group_id').where('user_id', '=', userID).execute();
      return rows.map((r) => r.group_id);
    },
    async userIDs(groupID) {
      const rows = await db
        .selectFrom('group_members')
        .select('user_id')
        .where('group_id', '=', groupID)
        .orderBy('role_level', 'desc')
        .orderBy('id')
        .execute();
      return rows.map((r) => r.user_id);
    },
    async inJoinOrder(groupID) {
      const rows = await selectMembers(db).where('m.group_id', '=', groupID).orderBy('m.id').execute();
      return rows.map(toMember);
    },
  };
}
