// Users: every registered user, searched by userID or nickname (OpenIM's /user/get_users) and paged;
// a user's page is UserDetail.

import { call } from '../api';
import { DataTable } from '../components/DataTable';
import { LIST_PAGE_SIZE, listQuery, SearchList } from '../components/SearchList';
import { Time } from '../components/Time';
import { Link } from '../router';
import { useLoad } from '../useLoad';
import { UserDetail, type UserInfo } from './UserDetail';

const SEARCH_IN = [
  { value: 'userID', label: 'userID' },
  { value: 'nickname', label: 'nickname' },
] as const;

function UserList({ query }: { query: URLSearchParams }) {
  const { q, by, page } = listQuery(query);
  const { data, error } = useLoad(
    () =>
      call<{ total: number; users: UserInfo[] }>('/user/get_users', {
        pagination: { pageNumber: page, showNumber: LIST_PAGE_SIZE },
        userID: by === 'nickname' ? '' : q,
        nickName: by === 'nickname' ? q : '',
      }),
    [q, by, page],
  );
  return (
    <SearchList base="/users" query={query} placeholder="part of it, any case" total={data?.total} searchIn={SEARCH_IN}>
      {error && <p className="error">{error}</p>}
      <DataTable className="user-list" columns={['User', 'Nickname', 'Registered']}>
        {data?.users.map((u) => (
          <tr key={u.userID} data-user={u.userID}>
            <td className="mono wrap">
              <Link to={`/users/${encodeURIComponent(u.userID)}`}>{u.userID}</Link>
            </td>
            <td className="wrap">{u.nickname}</td>
            <td>
              <Time ms={u.createTime} />
            </td>
          </tr>
        ))}
      </DataTable>
      {data?.total === 0 && <p className="muted">No users match.</p>}
    </SearchList>
  );
}

export function UsersPage({ userID, query }: { userID: string; query: URLSearchParams }) {
  return (
    <section>
      <h1>
        {userID ? (
          <>
            <Link to="/users">Users</Link> / user
          </>
        ) : (
          'Users'
        )}
      </h1>
      {userID ? <UserDetail key={userID} userID={userID} /> : <UserList query={query} />}
    </section>
  );
}
