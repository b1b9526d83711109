// The delivery log: after-events newest first, filtered by hook, endpoint, group, status, creation
// time, event ID and payload text (kept in the URL, so a filtered view can be shared). Rows can be
// selected and replayed together; "Replay dead" replays every dead event of the filter; both ask
// first in a dialog that says how many events go. "Retry waiting" sends now every pending event of
// the filter that waits for its next scheduled retry.

import { useEffect, useState } from 'react';
import type { BulkReplayResult } from '@huddle/protocol/delivery-log';
import { DELIVERY_STATUSES } from '@huddle/protocol/delivery-log';
import { call, messageOf } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { DataTable } from '../components/DataTable';
import { Choice, FilterActions, GroupField, TimeRange } from '../components/FilterFields';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';
import { fromLocalInput } from '../format';
import { Link } from '../router';
import type { EventView } from '../types';
import { useCallbackKeys } from '../useCallbackKeys';
import { useEndpointNames } from '../useEndpointNames';
import { useAction } from '../useAction';
import { useLoad } from '../useLoad';
import { useUrlFilters } from '../useUrlFilters';

const PAGE_SIZE = 25;
/** The API's longest search text. */
const TEXT_MAX = 200;
const FILTERS = ['hook', 'endpoint', 'group', 'status', 'event', 'text', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** The admin API's filter fields for these form values. */
function apiFilter(f: Filters) {
  return {
    hook: f.hook,
    endpoint: f.endpoint,
    groupID: f.group,
    eventID: f.event.trim(),
    text: f.text,
    from: fromLocalInput(f.from),
    to: fromLocalInput(f.to),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What the confirmation dialog is asking about. */
type Confirming = { kind: 'selected'; ids: string[] } | { kind: 'dead'; count: number };

export function EventsPage({ query }: { query: URLSearchParams }) {
  const { applied, page, form, set, submit, goTo } = useUrlFilters('/events', FILTERS, query);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState<Confirming>();
  const hooks = useCallbackKeys('after');
  const endpoints = useEndpointNames();
  const key = query.toString();
  const { data, error, reload } = useLoad(
    () =>
      call<{ total: number; events: EventView[] }>('/callback/list_events', {
        ...apiFilter(applied),
        status: applied.status,
        pagination: { pageNumber: page, showNumber: PAGE_SIZE },
      }),
    [key],
  );
  const { run, notice, say } = useAction(reload);
  // Another filter or page: another set of rows, and nothing of the old one stays selected.
  useEffect(() => setSelected(new Set()), [key]);

  const replaySelected = async (ids: string[]) => {
    const done = await run<BulkReplayResult>(
      '/callback/replay_events',
      { eventIDs: ids },
      ({ count, unknown }) =>
        `${plural(count, 'event')} replayed${unknown.length ? `; no longer in the log: ${unknown.join(', ')}` : ''}`,
    );
    if (done) setSelected(new Set());
  };
  const replayDead = () =>
    run<{ count: number }>(
      '/callback/replay_dead',
      apiFilter(applied),
      ({ count }) => `${plural(count, 'dead event')} queued again`,
    );
  const retryPending = () =>
    run<{ count: number }>(
      '/callback/retry_pending',
      apiFilter(applied),
      ({ count }) => `${plural(count, 'waiting group')} retried now`,
    );
  /** Counts the filter's dead events, then asks before replaying them. */
  async function askReplayDead() {
    try {
      const { total } = await call<{ total: number }>('/callback/list_events', {
        ...apiFilter(applied),
        status: 'dead',
        pagination: { pageNumber: 1, showNumber: 0 },
      });
      if (total === 0) say('No dead events match the filter.');
      else setConfirming({ kind: 'dead', count: total });
    } catch (err) {
      say(messageOf(err), true);
    }
  }

  const rows = data?.events ?? [];
  const allOnPage = rows.length > 0 && rows.every((e) => selected.has(e.eventID));
  const toggle = (id: string) =>
    setSelected((old) => {
      const next = new Set(old);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const toggleAll = () => setSelected(allOnPage ? new Set() : new Set(rows.map((e) => e.eventID)));

  return (
    <section>
      <h1>Delivery log</h1>
      <form className="filters" onSubmit={submit} aria-label="filters">
        <Choice label="Hook" name="hook" value={form.hook} values={hooks} onChange={set('hook')} />
        <Choice label="Endpoint" name="endpoint" value={form.endpoint} values={endpoints} onChange={set('endpoint')} />
        <GroupField value={form.group} onChange={set('group')} />
        <Choice label="Status" name="status" value={form.status} values={DELIVERY_STATUSES} onChange={set('status')} />
        <label>
          Event ID
          <input value={form.event} onChange={set('event')} name="event" placeholder="exact ID" maxLength={64} />
        </label>
        <label>
          Payload text
          <input
            value={form.text}
            onChange={set('text')}
            name="text"
            type="search"
            placeholder="contains, any case"
            maxLength={TEXT_MAX}
          />
        </label>
        <TimeRange from={form.from} to={form.to} onFrom={set('from')} onTo={set('to')} />
        <FilterActions onRefresh={() => void reload()}>
          <button
            type="button"
            disabled={selected.size === 0}
            onClick={() => setConfirming({ kind: 'selected', ids: [...selected] })}
            title="the events ticked on this page: finished ones are sent again, waiting ones now"
          >
            Replay selected ({selected.size})
          </button>
          <button
            type="button"
            onClick={() => void askReplayDead()}
            title="every dead event matching the filter (all pages)"
          >
            Replay dead
          </button>
          <button
            type="button"
            onClick={() => void retryPending()}
            title="send now every pending event of the filter waiting for its next scheduled retry"
          >
            Retry waiting
          </button>
        </FilterActions>
      </form>
      {notice}
      {error && <p className="error">{error}</p>}
      <DataTable
        className="events"
        columns={[
          <input
            key="all"
            type="checkbox"
            name="select-all"
            aria-label="select all on this page"
            title="select all on this page"
            checked={allOnPage}
            onChange={toggleAll}
          />,
          'Created',
          'Hook',
          'Endpoint',
          'Group',
          'Status',
          'Attempts',
          'Last error',
        ]}
      >
        {rows.map((e) => (
          <tr key={e.eventID} data-event={e.eventID} data-endpoint={e.endpoint}>
            <td>
              <input
                type="checkbox"
                aria-label={`select ${e.eventID}`}
                checked={selected.has(e.eventID)}
                onChange={() => toggle(e.eventID)}
              />
            </td>
            <td>
              <Link to={`/events/${encodeURIComponent(e.eventID)}`}>
                <Time ms={e.createTime} />
              </Link>
            </td>
            <td>{e.hook}</td>
            <td data-col="endpoint">{e.endpoint}</td>
            <td>
              <Link to={`/groups/${encodeURIComponent(e.groupID)}`}>{e.groupID}</Link>
            </td>
            <td>
              <StatusBadge status={e.status} />
            </td>
            <td>{e.attempts}</td>
            <td className="clip">{e.lastError}</td>
          </tr>
        ))}
      </DataTable>
      {data && rows.length === 0 && <p className="muted">No events match.</p>}
      {data && <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={goTo} />}
      {confirming?.kind === 'selected' && (
        <ConfirmDialog
          title={`Replay ${plural(confirming.ids.length, 'event')}?`}
          confirmLabel={`Replay ${plural(confirming.ids.length, 'event')}`}
          onConfirm={() => void replaySelected(confirming.ids)}
          onClose={() => setConfirming(undefined)}
        >
          <p>
            The {plural(confirming.ids.length, 'selected event')} go out again with their original webhook-id: delivered
            and dead ones are queued again, waiting ones are sent now.
          </p>
        </ConfirmDialog>
      )}
      {confirming?.kind === 'dead' && (
        <ConfirmDialog
          title={`Replay ${plural(confirming.count, 'dead event')}?`}
          confirmLabel={`Replay ${plural(confirming.count, 'dead event')}`}
          onConfirm={() => void replayDead()}
          onClose={() => setConfirming(undefined)}
        >
          <p>
            Every dead event matching the filter ({plural(confirming.count, 'event')} on all pages) is queued again and
            sent with its original webhook-id.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
