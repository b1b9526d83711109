// A user's one-to-one conversations, the newest message first, each opening its messages. Read from
// OpenIM's /jssdk/get_active_conversations (the list an SDK shows; at most its 500 newest), paged here.

import { useState } from 'react';
import { call } from '../api';
import { Time } from './Time';
import { Link } from '../router';
import { useLoad } from '../useLoad';
import { DataTable } from './DataTable';
import { Pager } from './Pager';

const MOST = 500;
const PAGE = 20;
const SINGLE = 1;

interface ActiveConversation {
  conversation: { conversationID: string; conversationType: number; userID: string };
  lastMsg: { sendTime: number };
  user: { userID: string; nickname: string } | null;
}

export function UserConversations({ userID }: { userID: string }) {
  const [page, setPage] = useState(1);
  const { data, error } = useLoad(async () => {
    const { conversations } = await call<{ conversations: ActiveConversation[] }>('/jssdk/get_active_conversations', {
      ownerUserID: userID,
      count: MOST,
    });
    // Pinned first is the user's own order; an operator reads the newest first.
    return conversations
      .filter((c) => c.conversation.conversationType === SINGLE)
      .sort((a, b) => b.lastMsg.sendTime - a.lastMsg.sendTime);
  }, [userID]);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (data.length === 0) return <p className="muted">None.</p>;
  return (
    <>
      <DataTable className="user-conversations" columns={['With', 'Last message', 'Messages']}>
        {data.slice((page - 1) * PAGE, page * PAGE).map(({ conversation: c, lastMsg, user }) => (
          <tr key={c.conversationID} data-conversation={c.conversationID}>
            <td className="wrap">
              <Link to={`/users/${encodeURIComponent(c.userID)}`}>{c.userID}</Link>
              {user?.nickname && user.nickname !== c.userID ? <span className="muted"> {user.nickname}</span> : null}
            </td>
            <td className="nowrap">
              <Time ms={lastMsg.sendTime} />
            </td>
            <td>
              <Link to={`/conversations/${encodeURIComponent(c.conversationID)}?user=${encodeURIComponent(userID)}`}>
                Messages
              </Link>
            </td>
          </tr>
        ))}
      </DataTable>
      <Pager page={page} pageSize={PAGE} total={data.length} onPage={setPage} />
    </>
  );
}
