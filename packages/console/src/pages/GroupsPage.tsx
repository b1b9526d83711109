// Groups: find a group by ID (or the groups a user is in), see its members and roles, and its
// recent after-events in commit order.

import { useState, type FormEvent } from 'react';
import { call } from '../api';
import { StatusBadge } from '../components/StatusBadge';
import { formatTime, ROLE_NAMES } from '../format';
import { Link, navigate } from '../router';
import type { EventView, GroupInfo, Member } from '../types';
import { useLoad } from '../useLoad';
import { DataTable } from '../components/DataTable';

const RECENT_EVENTS = 50;
const MEMBERS_SHOWN = 500;
const GROUP_STATUS: Record<number, string> = { 0: 'normal', 2: 'dismissed', 3: 'muted' };

function UserGroups({ userID }: { userID: string }) {
  const { data, error } = useLoad(
    () =>
      call<{ total: number; groups: GroupInfo[] }>('/group/get_joined_group_list', {
        fromUserID: userID,
        pagination: { pageNumber: 1, showNumber: 100 },
      }),
    [userID],
  );
  if (error) return <p className="error">{error}</p>;
  if (!data) return null;
  return (
    <>
      <h2>
        Groups of {userID} ({data.total})
      </h2>
      <ul className="plain">
        {data.groups.map((g) => (
          <li key={g.groupID}>
            <Link to={`/groups/${encodeURIComponent(g.groupID)}`}>{g.groupName}</Link>{' '}
            <span className="mono muted">{g.groupID}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function GroupDetail({ groupID }: { groupID: string }) {
  const { data, error } = useLoad(async () => {
    const { groupInfos } = await call<{ groupInfos: GroupInfo[] }>('/group/get_groups_info', { groupIDs: [groupID] });
    const [members, events] = await Promise.all([
      call<{ total: number; members: Member[] }>('/group/get_group_member_list', {
        groupID,
        pagination: { pageNumber: 1, showNumber: MEMBERS_SHOWN },
        filter: 0,
        keyword: '',
      }),
      call<{ total: number; events: EventView[] }>('/callback/list_events', {
        groupID,
        pagination: { pageNumber: 1, showNumber: RECENT_EVENTS },
      }),
    ]);
    return { group: groupInfos[0], members, events };
  }, [groupID]);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const { group, members, events } = data;
  if (!group) return <p className="error">No group {groupID}.</p>;
  // The log lists newest first; a group's events are delivered oldest first.
  const inOrder = [...events.events].reverse();
  return (
    <>
      <h2 className="wrap">{group.groupName}</h2>
      <dl className="facts">
        <dt>Group ID</dt>
        <dd className="mono">{group.groupID}</dd>
        <dt>Owner</dt>
        <dd>{group.ownerUserID}</dd>
        <dt>Members</dt>
        <dd>{group.memberCount}</dd>
        <dt>Status</dt>
        <dd>{GROUP_STATUS[group.status] ?? group.status}</dd>
        <dt>Created</dt>
        <dd>{formatTime(group.createTime)}</dd>
      </dl>
      <h3>Members ({members.total})</h3>
      <DataTable className="members" columns={['User', 'Nickname', 'Role', 'Joined']}>
        {members.members.map((m) => (
          <tr key={m.userID}>
            <td className="mono">{m.userID}</td>
            <td>{m.nickname}</td>
            <td>{ROLE_NAMES[m.roleLevel] ?? m.roleLevel}</td>
            <td>{formatTime(m.joinTime)}</td>
          </tr>
        ))}
      </DataTable>
      <h3>
        Recent events, in order ({Math.min(events.total, RECENT_EVENTS)} of {events.total}) ·{' '}
        <Link to={`/events?group=${encodeURIComponent(groupID)}`}>all in the delivery log</Link>
      </h3>
      <ol className="timeline">
        {inOrder.map((e) => (
          <li key={e.eventID}>
            <span className="muted">{formatTime(e.createTime)}</span>{' '}
            <Link to={`/events/${encodeURIComponent(e.eventID)}`}>{e.hook}</Link> <StatusBadge status={e.status} />
          </li>
        ))}
      </ol>
    </>
  );
}

export function GroupsPage({ groupID }: { groupID: string }) {
  const [input, setInput] = useState(groupID);
  const [userID, setUserID] = useState('');
  const [shownUser, setShownUser] = useState('');
  const findGroup = (e: FormEvent) => {
    e.preventDefault();
    if (input.trim()) navigate(`/groups/${encodeURIComponent(input.trim())}`);
  };
  const findUser = (e: FormEvent) => {
    e.preventDefault();
    setShownUser(userID.trim());
  };
  return (
    <section>
      <h1>Groups</h1>
      <div className="searches">
        <form onSubmit={findGroup} className="inline" aria-label="find a group">
          <input value={input} onChange={(e) => setInput(e.target.value)} placeholder="groupID" name="groupID" />
          <button type="submit">Open group</button>
        </form>
        <form onSubmit={findUser} className="inline" aria-label="groups of a user">
          <input
            value={userID}
            onChange={(e) => setUserID(e.target.value)}
            placeholder="a member's userID"
            name="userID"
          />
          <button type="submit">Their groups</button>
        </form>
      </div>
      {shownUser && <UserGroups userID={shownUser} />}
      {groupID && <GroupDetail groupID={groupID} />}
    </section>
  );
}
