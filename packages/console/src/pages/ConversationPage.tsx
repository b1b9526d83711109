// One chat conversation's messages (/conversations/<conversationID>): a group's (sg_…) or two
// users' (si_…). Opened from a user's page, `?user=` names that user, so the other is known too.

import { MessageList } from '../components/MessageList';
import { Link } from '../router';

const userLink = (userID: string) => <Link to={`/users/${encodeURIComponent(userID)}`}>{userID}</Link>;

function Who({ conversationID, user }: { conversationID: string; user: string }) {
  if (conversationID.startsWith('sg_')) {
    const groupID = conversationID.slice(3);
    return <p>Group {<Link to={`/groups/${encodeURIComponent(groupID)}`}>{groupID}</Link>}</p>;
  }
  // si_<a>_<b>, the two IDs in string order; user IDs may hold "_", so the page's user splits it.
  const ids = conversationID.slice(3);
  const peer =
    user && ids.startsWith(`${user}_`)
      ? ids.slice(user.length + 1)
      : user && ids.endsWith(`_${user}`)
        ? ids.slice(0, -user.length - 1)
        : '';
  if (!peer) return null;
  return (
    <p className="wrap">
      Between {userLink(user)} and {userLink(peer)}
    </p>
  );
}

export function ConversationPage({ conversationID, query }: { conversationID: string; query: URLSearchParams }) {
  return (
    <section>
      <h1>Conversation</h1>
      <p className="mono wrap">{conversationID}</p>
      <Who conversationID={conversationID} user={query.get('user') ?? ''} />
      {conversationID ? <MessageList key={conversationID} conversationID={conversationID} /> : <p>No conversation.</p>}
    </section>
  );
}
