// A user's gateway connections, newest first and paged (/user/get_connection_history): platform,
// instance, address, SDK, when each began and ended, and why it ended.

import type { ConnectionHistory } from '@huddle/protocol/chat-admin';
import { useState } from 'react';
import { call } from '../api';
import { PLATFORM_NAMES } from '../format';
import { Time } from './Time';
import { useLoad } from '../useLoad';
import { DataTable } from './DataTable';
import { Pager } from './Pager';

const HISTORY_PAGE = 20;

/** Why a connection ended, in words. */
const ENDS: Record<string, string> = {
  logout: 'logged out',
  kicked: 'kicked by a newer login',
  force_logout: 'force logout',
  idle: 'idle timeout',
  closed: 'client closed',
  protocol: 'broke the protocol',
  slow_reader: 'did not read its pushes',
  resync: 'asked to reconnect',
  shutdown: 'instance shut down',
  swept: 'instance gone (swept)',
  restart: 'instance restarted',
};

export function ConnectionHistoryTable({ userID, version }: { userID: string; version: number }) {
  const [page, setPage] = useState(1);
  const { data, error } = useLoad(
    () =>
      call<ConnectionHistory>('/user/get_connection_history', {
        userID,
        pagination: { pageNumber: page, showNumber: HISTORY_PAGE },
      }),
    [userID, page, version],
  );
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (data.total === 0) return <p className="muted">No connections kept.</p>;
  return (
    <>
      <DataTable
        className="connection-history"
        columns={['Platform', 'Instance', 'Address', 'SDK', 'Connected', 'Disconnected', 'Why']}
      >
        {data.connections.map((c) => (
          <tr key={`${c.connID}-${c.connectedAt}`} data-conn={c.connID}>
            <td>{PLATFORM_NAMES[c.platformID] ?? c.platformID}</td>
            <td className="mono wrap">{c.instanceID}</td>
            <td className="mono wrap">{c.remoteAddr || '—'}</td>
            <td>{[c.sdkType, c.sdkVersion].filter(Boolean).join(' ') || '—'}</td>
            <td className="nowrap">
              <Time ms={c.connectedAt} />
            </td>
            <td className="nowrap">{c.disconnectedAt ? <Time ms={c.disconnectedAt} /> : 'connected'}</td>
            <td data-field="why">{c.endReason ? (ENDS[c.endReason] ?? c.endReason) : '—'}</td>
          </tr>
        ))}
      </DataTable>
      <Pager page={page} pageSize={HISTORY_PAGE} total={data.total} onPage={setPage} />
    </>
  );
}
