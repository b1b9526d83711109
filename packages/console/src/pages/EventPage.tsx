// One after-event: what was sent (headers and payload), every attempt and its answer, replay (a
// delivered or dead event) and retry now (a pending one waiting for its next scheduled retry).
// While the event is pending the page re-reads it every second, so a replay is seen to land. The URL
// each attempt went to is the one recorded then (the endpoint's url may have changed since), and
// the replay history says who replayed or retried it, when and how.

import { useEffect } from 'react';
import { call } from '../api';
import { JsonBlock } from '../components/JsonBlock';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';
import { Link } from '../router';
import type { AttemptView, EventDetail, EventView, ReplayView } from '../types';
import { useAction } from '../useAction';
import { useLoad } from '../useLoad';
import { DataTable } from '../components/DataTable';

const POLL_MS = 1000;

/** How each replay was asked for, in words. */
const HOW: Record<ReplayView['how'], string> = {
  replay: 'Replay',
  retry: 'Retry now',
  bulk_replay: 'Replay selected',
  replay_dead: 'Replay dead (filter)',
  retry_pending: 'Retry waiting (filter)',
};

/** A bulk call's ID list or filter, shortly: "3 events", or the filter's fields. */
function replayDetail(detail: string): string {
  if (!detail) return 'this event';
  try {
    const parsed = JSON.parse(detail) as Record<string, unknown>;
    if (Array.isArray(parsed.eventIDs)) return `${parsed.eventIDs.length} events by ID`;
    const fields = Object.entries(parsed).map(([k, v]) => `${k}=${String(v)}`);
    return fields.length ? fields.join(', ') : 'every event';
  } catch {
    return detail;
  }
}

/** The headers huddle sends with each attempt (README: "The request"); the timestamp is the attempt's. */
function requestHeaders(event: EventView, attempt: AttemptView | undefined): [string, string][] {
  return [
    ['content-type', 'application/json; charset=utf-8'],
    ['operationID', event.operationID],
    ['webhook-id', event.eventID],
    ['webhook-timestamp', attempt ? String(Math.floor(attempt.startTime / 1000)) : '(set when sent)'],
    ['webhook-signature', 'v1,… when signingSecret is set'],
  ];
}

export function EventPage({ eventID }: { eventID: string }) {
  const { data, error, reload } = useLoad(() => call<EventDetail>('/callback/get_event', { eventID }), [eventID]);
  const pending = data?.event.status === 'pending';
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => void reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [pending, reload]);
  const { run, notice } = useAction(reload);

  const replay = () =>
    run<{ count: number }>('/callback/replay_event', { eventID }, ({ count }) =>
      count ? 'Queued again; it goes out with its original webhook-id.' : 'Already pending: it is on its way.',
    );
  // Its group's oldest pending event goes first: this one, or the one it waits behind.
  const retry = () =>
    run<{ count: number }>('/callback/retry_event', { eventID }, ({ count }) =>
      count
        ? "Retrying now (its group's oldest pending event first)."
        : 'Not waiting for a retry: in flight or due already.',
    );

  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const { event, attempts, replays } = data;
  const lastURL = attempts.at(-1)?.url;
  return (
    <section>
      <p>
        <Link to="/events">← Delivery log</Link>
      </p>
      <h1 className="wrap">
        {event.hook} <StatusBadge status={event.status} />
      </h1>
      <div className="actions">
        <button type="button" onClick={() => void replay()} disabled={pending}>
          Replay
        </button>
        <button
          type="button"
          onClick={() => void retry()}
          disabled={!pending}
          title="send it now instead of at its next scheduled retry"
        >
          Retry now
        </button>
      </div>
      {notice}
      <dl className="facts">
        <dt>Event</dt>
        <dd className="mono">{event.eventID}</dd>
        <dt>Endpoint</dt>
        <dd className="mono">{event.endpoint}</dd>
        <dt>Command</dt>
        <dd className="mono">{event.command}</dd>
        <dt>Request URL</dt>
        <dd className="mono wrap" data-field="url">
          {lastURL || (attempts.length ? '(not recorded)' : '(not sent yet)')}
        </dd>
        <dt>Group</dt>
        <dd>
          <Link to={`/groups/${encodeURIComponent(event.groupID)}`}>{event.groupID}</Link>
        </dd>
        <dt>operationID</dt>
        <dd className="mono">{event.operationID}</dd>
        <dt>Created</dt>
        <dd>
          <Time ms={event.createTime} />
        </dd>
        <dt>Next attempt</dt>
        <dd>
          <Time ms={event.nextAttemptTime} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <Time ms={event.finishTime} />
        </dd>
        <dt>Last error</dt>
        <dd>{event.lastError || '—'}</dd>
      </dl>
      <h2>Attempts ({attempts.length})</h2>
      <DataTable
        className="attempts"
        columns={['#', 'Started', 'URL', 'Duration', 'HTTP', 'Outcome', 'Error', 'Response']}
      >
        {attempts.map((a) => (
          <tr key={a.attempt}>
            <td>{a.attempt}</td>
            <td>
              <Time ms={a.startTime} />
            </td>
            <td className="mono url" data-col="url">
              {a.url || '—'}
            </td>
            <td>{a.durationMs} ms</td>
            <td>{a.statusCode || 'none'}</td>
            <td>
              <StatusBadge status={a.outcome} />
            </td>
            <td>{a.error || '—'}</td>
            <td>
              {a.responseExcerpt ? (
                <details>
                  <summary>{a.responseExcerpt.length} chars</summary>
                  <JsonBlock value={a.responseExcerpt} />
                </details>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <h2>Replay history ({replays.length})</h2>
      {replays.length === 0 ? (
        <p className="muted">Never replayed or retried by hand.</p>
      ) : (
        <DataTable className="replays" columns={['When', 'Who', 'How', 'Of']}>
          {replays.map((r, i) => (
            <tr key={`${r.time}-${i}`} data-how={r.how}>
              <td>
                <Time ms={r.time} />
              </td>
              <td>{r.userID}</td>
              <td>{HOW[r.how]}</td>
              <td className="clip" title={r.detail}>
                {replayDetail(r.detail)}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>Request headers</h2>
      <table className="headers">
        <tbody>
          {requestHeaders(event, attempts.at(-1)).map(([name, value]) => (
            <tr key={name}>
              <th className="mono">{name}</th>
              <td className="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Payload</h2>
      <JsonBlock value={event.payload} />
    </section>
  );
}
