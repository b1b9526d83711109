// A group's recent after-events in commit order (the order each endpoint gets them), with the
// endpoint each goes to and a filter by endpoint; each links to its event page.

import { useState } from 'react';
import { call } from '../api';
import { Link } from '../router';
import type { EventView } from '../types';
import { useEndpointNames } from '../useEndpointNames';
import { useLoad } from '../useLoad';
import { Choice } from './FilterFields';
import { StatusBadge } from './StatusBadge';
import { Time } from './Time';

const RECENT_EVENTS = 50;

/** `refresh`: any value that changes when the group's page reloads (an action may have added events). */
export function GroupTimeline({ groupID, refresh }: { groupID: string; refresh?: unknown }) {
  const [endpoint, setEndpoint] = useState('');
  const endpoints = useEndpointNames();
  const { data, error } = useLoad(
    () =>
      call<{ total: number; events: EventView[] }>('/callback/list_events', {
        groupID,
        endpoint,
        pagination: { pageNumber: 1, showNumber: RECENT_EVENTS },
      }),
    [groupID, endpoint, refresh],
  );
  // The log lists newest first; a group's events are delivered oldest first.
  const inOrder = [...(data?.events ?? [])].reverse();
  const total = data?.total ?? 0;
  const logLink = `/events?group=${encodeURIComponent(groupID)}${endpoint ? `&endpoint=${encodeURIComponent(endpoint)}` : ''}`;
  return (
    <>
      <h3>
        Recent events, in order ({Math.min(total, RECENT_EVENTS)} of {total}) ·{' '}
        <Link to={logLink}>all in the delivery log</Link>
      </h3>
      <form className="filters timeline-filter" aria-label="timeline filter" onSubmit={(e) => e.preventDefault()}>
        <Choice
          label="Endpoint"
          name="timeline-endpoint"
          value={endpoint}
          values={endpoints}
          onChange={(e) => setEndpoint(e.target.value)}
        />
      </form>
      {error && <p className="error">{error}</p>}
      <ol className="timeline">
        {inOrder.map((e) => (
          <li key={e.eventID} data-endpoint={e.endpoint}>
            <span className="muted">
              <Time ms={e.createTime} />
            </span>{' '}
            <Link to={`/events/${encodeURIComponent(e.eventID)}`}>{e.hook}</Link>{' '}
            <span className="endpoint-tag" title="endpoint">
              → {e.endpoint}
            </span>{' '}
            <StatusBadge status={e.status} />
          </li>
        ))}
      </ol>
      {data && inOrder.length === 0 && <p className="muted">No events{endpoint ? ` to ${endpoint}` : ''}.</p>}
    </>
  );
}
