// Groups: every group (not dismissed), searched by name and paged, or one opened by ID; a group's
// page is GroupDetail.

import { useState, type FormEvent } from 'react';
import { call } from '../api';
import { DataTable } from '../components/DataTable';
import { LIST_PAGE_SIZE, listQuery, SearchList } from '../components/SearchList';
import { Time } from '../components/Time';
import { Link, navigate } from '../router';
import type { GroupInfo } from '../types';
import { useLoad } from '../useLoad';
import { GroupDetail } from './GroupDetail';

interface CMSGroup {
  groupInfo: GroupInfo;
  groupOwnerUserName: string;
  groupOwnerUserID: string;
}

function GroupList({ query }: { query: URLSearchParams }) {
  const { q, page } = listQuery(query);
  const { data, error } = useLoad(
    () =>
      call<{ total: number; groups: CMSGroup[] }>('/group/get_groups', {
        groupName: q,
        groupID: '',
        pagination: { pageNumber: page, showNumber: LIST_PAGE_SIZE },
      }),
    [q, page],
  );
  return (
    <SearchList base="/groups" query={query} placeholder="part of a group's name" total={data?.total}>
      {error && <p className="error">{error}</p>}
      <DataTable className="group-list" columns={['Group', 'ID', 'Owner', 'Members', 'Created']}>
        {data?.groups.map(({ groupInfo: g, groupOwnerUserName }) => (
          <tr key={g.groupID} data-group={g.groupID}>
            <td className="wrap">
              <Link to={`/groups/${encodeURIComponent(g.groupID)}`}>{g.groupName || '(no name)'}</Link>
            </td>
            <td className="mono wrap">{g.groupID}</td>
            <td>{groupOwnerUserName || g.ownerUserID}</td>
            <td>{g.memberCount}</td>
            <td>
              <Time ms={g.createTime} />
            </td>
          </tr>
        ))}
      </DataTable>
      {data?.total === 0 && <p className="muted">No groups match.</p>}
    </SearchList>
  );
}

export function GroupsPage({ groupID, query }: { groupID: string; query: URLSearchParams }) {
  const [input, setInput] = useState(groupID);
  const open = (e: FormEvent) => {
    e.preventDefault();
    if (input.trim()) navigate(`/groups/${encodeURIComponent(input.trim())}`);
  };
  return (
    <section>
      <h1>
        {groupID ? (
          <>
            <Link to="/groups">Groups</Link> / group
          </>
        ) : (
          'Groups'
        )}
      </h1>
      <div className="searches">
        <form onSubmit={open} className="inline" aria-label="find a group">
          <input
            value={input}
            onChange={(e) => setInput(e.target.value)}
            placeholder="groupID"
            name="groupID"
            aria-label="groupID"
          />
          <button type="submit">Open group</button>
        </form>
      </div>
      {groupID ? <GroupDetail key={groupID} groupID={groupID} /> : <GroupList query={query} />}
    </section>
  );
}
