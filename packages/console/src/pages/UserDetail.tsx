// One user for an operator: profile, connections to the gateway by platform (now, and their
// history), one-to-one conversations, the groups they are in, and force logout (every token of a
// platform stops working, its connections are closed).

import { useState } from 'react';
import { call } from '../api';
import { DataTable } from '../components/DataTable';
import type { UserInfoEvent as UserInfo } from '@huddle/protocol/callbacks';
import { ActionButton } from '../components/ActionButton';
import { ConnectionHistoryTable } from '../components/ConnectionHistoryTable';
import { UserConversations } from '../components/UserConversations';
import { PLATFORM_NAMES } from '../format';
import { Time } from '../components/Time';
import { Link } from '../router';
import type { GroupInfo } from '../types';
import { useAction } from '../useAction';
import { useLoad } from '../useLoad';

export type { UserInfoEvent as UserInfo } from '@huddle/protocol/callbacks';

interface OnlineStatus {
  userID: string;
  status: number;
  detailPlatformStatus: { platformID: number; connID: string }[];
}

const ADMIN_PLATFORM = 10;
const LOGOUT_PLATFORMS = Object.keys(PLATFORM_NAMES)
  .map(Number)
  .filter((p) => p !== ADMIN_PLATFORM);

async function loadUser(userID: string) {
  const { usersInfo } = await call<{ usersInfo: UserInfo[] }>('/user/get_users_info', { userIDs: [userID] });
  const user = usersInfo[0];
  if (!user) return null;
  const [online, groups] = await Promise.all([
    call<OnlineStatus[]>('/user/get_users_online_status', { userIDs: [userID] }),
    call<{ total: number; groups: GroupInfo[] }>('/group/get_joined_group_list', {
      fromUserID: userID,
      pagination: { pageNumber: 1, showNumber: 100 },
    }),
  ]);
  return { user, connections: online[0]?.detailPlatformStatus ?? [], groups };
}

export function UserDetail({ userID }: { userID: string }) {
  // Each reload of the user (after a force logout) reloads the history too.
  const [version, setVersion] = useState(0);
  const { data, error, reload } = useLoad(() => loadUser(userID).finally(() => setVersion((v) => v + 1)), [userID]);
  const { run, busy, notice } = useAction(reload);
  const [platform, setPlatform] = useState(LOGOUT_PLATFORMS[0]!);
  if (error) return <p className="error">{error}</p>;
  if (data === undefined) return <p className="muted">Loading…</p>;
  if (data === null) return <p className="error">No user {userID}.</p>;
  const { user, connections, groups } = data;
  const logout = (platformID: number) =>
    run(
      '/auth/force_logout',
      { userID, platformID },
      `${userID} logged out on ${PLATFORM_NAMES[platformID] ?? platformID}.`,
      `Log ${userID} out on ${PLATFORM_NAMES[platformID] ?? platformID}? Their tokens for it stop working.`,
    );
  return (
    <>
      <h2 className="wrap">{user.nickname || user.userID}</h2>
      <dl className="facts">
        <dt>User ID</dt>
        <dd className="mono">{user.userID}</dd>
        <dt>Nickname</dt>
        <dd>{user.nickname}</dd>
        <dt>Registered</dt>
        <dd>
          <Time ms={user.createTime} />
        </dd>
        <dt>ex</dt>
        <dd className="mono">{user.ex || '—'}</dd>
      </dl>
      <h3>Connections, online now ({connections.length})</h3>
      {connections.length === 0 ? (
        <p className="muted">Not connected to the gateway.</p>
      ) : (
        <DataTable className="connections" columns={['Platform', 'Connection', 'Action']}>
          {connections.map((c) => (
            <tr key={c.connID}>
              <td>{PLATFORM_NAMES[c.platformID] ?? c.platformID}</td>
              <td className="mono wrap">{c.connID}</td>
              <td>
                <ActionButton label="Force logout" danger disabled={busy} onClick={() => logout(c.platformID)} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <form
        className="inline"
        aria-label="force logout"
        onSubmit={(e) => {
          e.preventDefault();
          void logout(platform);
        }}
      >
        <select
          name="platformID"
          aria-label="platform"
          value={platform}
          onChange={(e) => setPlatform(Number(e.target.value))}
        >
          {LOGOUT_PLATFORMS.map((p) => (
            <option key={p} value={p}>
              {PLATFORM_NAMES[p]}
            </option>
          ))}
        </select>
        <button type="submit" className="danger" disabled={busy}>
          Force logout
        </button>
      </form>
      {notice}
      <h3>History</h3>
      <ConnectionHistoryTable userID={userID} version={version} />
      <h3>One-to-one conversations</h3>
      <UserConversations userID={userID} />
      <h3>Groups ({groups.total})</h3>
      <ul className="plain user-groups wrap">
        {groups.groups.map((g) => (
          <li key={g.groupID}>
            <Link to={`/groups/${encodeURIComponent(g.groupID)}`}>{g.groupName || '(no name)'}</Link>{' '}
            <span className="mono muted">{g.groupID}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
