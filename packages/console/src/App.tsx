// The console's frame: login until there is an admin token, then the navigation and one page.

import { useEffect, useState } from 'react';
import { Login } from './pages/Login';
import { OverviewPage } from './pages/OverviewPage';
import { ConfigPage } from './pages/ConfigPage';
import { EventsPage } from './pages/EventsPage';
import { EndpointsPage } from './pages/EndpointsPage';
import { EventPage } from './pages/EventPage';
import { LivePage } from './pages/LivePage';
import { DecisionsPage } from './pages/DecisionsPage';
import { GroupsPage } from './pages/GroupsPage';
import { UsersPage } from './pages/UsersPage';
import { ApiDocsPage } from './pages/ApiDocsPage';
import { ConversationPage } from './pages/ConversationPage';
import { Link, useRoute } from './router';
import { clearToken, getToken, onTokenChange } from './token';

const NAV = [
  { to: '/overview', label: 'Overview' },
  { to: '/endpoints', label: 'Endpoints' },
  { to: '/events', label: 'Delivery log' },
  { to: '/live', label: 'Live' },
  { to: '/decisions', label: 'Before-callbacks' },
  { to: '/groups', label: 'Groups' },
  { to: '/users', label: 'Users' },
  { to: '/config', label: 'Configuration' },
  { to: '/api', label: 'API' },
];

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  const [, section, id] = path.split('/');
  switch (section || 'overview') {
    case 'overview':
      return <OverviewPage />;
    case 'endpoints':
      return <EndpointsPage />;
    case 'config':
      return <ConfigPage />;
    case 'live':
      return <LivePage />;
    case 'decisions':
      return <DecisionsPage query={query} />;
    case 'groups':
      return <GroupsPage groupID={id ? decodeURIComponent(id) : ''} query={query} />;
    case 'users':
      return <UsersPage userID={id ? decodeURIComponent(id) : ''} query={query} />;
    case 'conversations':
      return <ConversationPage conversationID={id ? decodeURIComponent(id) : ''} query={query} />;
    case 'api':
      return <ApiDocsPage />;
    case 'events':
      return id ? <EventPage eventID={decodeURIComponent(id)} /> : <EventsPage query={query} />;
    default:
      return <p>No such page.</p>;
  }
}

export function App() {
  const [token, setTokenState] = useState(getToken);
  useEffect(() => onTokenChange(() => setTokenState(getToken())), []);
  const { path, query } = useRoute();
  if (!token) return <Login />;
  const section = path.split('/')[1] || 'overview';
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">huddle</span>
        <nav>
          {NAV.map((n) => (
            <Link key={n.to} to={n.to} className={n.to === `/${section}` ? 'active' : ''}>
              {n.label}
            </Link>
          ))}
        </nav>
        <button type="button" className="link" onClick={clearToken}>
          Log out
        </button>
      </header>
      <main>
        <Page path={path} query={query} />
      </main>
    </div>
  );
}
