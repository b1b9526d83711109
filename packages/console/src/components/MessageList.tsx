// One conversation's messages for an operator, newest first and paged (OpenIM's /msg/search_msg
// with huddle's conversationID): time, sender, type, the text or a summary, seq. Content is user
// data, shown as text.

import type { SearchedMessages } from '@huddle/protocol/chat-admin';
import { useState } from 'react';
import { call } from '../api';
import { Time } from './Time';
import { Link } from '../router';
import { useLoad } from '../useLoad';
import { DataTable } from './DataTable';
import { contentTypeName, messageSummary } from './messageSummary';
import { Pager } from './Pager';

export const MESSAGES_PAGE = 20;

export function MessageList({ conversationID }: { conversationID: string }) {
  const [page, setPage] = useState(1);
  const { data, error } = useLoad(
    () =>
      call<SearchedMessages>('/msg/search_msg', {
        sendID: '',
        recvID: '',
        contentType: 0,
        sendTime: '',
        sessionType: 0,
        conversationID,
        pagination: { pageNumber: page, showNumber: MESSAGES_PAGE },
      }),
    [conversationID, page],
  );
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (data.chatLogsNum === 0) return <p className="muted">No messages.</p>;
  return (
    <>
      <DataTable className="messages" columns={['Time', 'Sender', 'Type', 'Content', 'Seq']}>
        {data.chatLogs.map(({ chatLog: m }) => (
          <tr key={m.seq} data-seq={m.seq}>
            <td className="nowrap">
              <Time ms={m.sendTime} />
            </td>
            <td className="wrap">
              <Link to={`/users/${encodeURIComponent(m.sendID)}`}>{m.senderNickname || m.sendID}</Link>
            </td>
            <td>{contentTypeName(m.contentType)}</td>
            <td className="wrap message-content">{messageSummary(m)}</td>
            <td>{m.seq}</td>
          </tr>
        ))}
      </DataTable>
      <Pager page={page} pageSize={MESSAGES_PAGE} total={data.chatLogsNum} onPage={setPage} />
    </>
  );
}
