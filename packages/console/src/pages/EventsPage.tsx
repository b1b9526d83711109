// The delivery log: after-events newest first, filtered by hook, group, status and creation time
// (kept in the URL, so a filtered view can be shared); replay every dead event of the filter, or
// retry now every pending one waiting for its next scheduled retry.

import { useState, type FormEvent } from 'react';
import { call, messageOf } from '../api';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { formatTime, fromLocalInput } from '../format';
import { Link, navigate } from '../router';
import { DELIVERY_STATUSES } from '@huddle/protocol/delivery-log';
import type { EventView } from '../types';
import { useCallbackKeys } from '../useCallbackKeys';
import { useLoad } from '../useLoad';
import { DataTable } from '../components/DataTable';

const PAGE_SIZE = 25;
const FILTERS = ['hook', 'group', 'status', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function filtersOf(query: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ''])) as Filters;
}

/** The admin API's filter fields for these form values. */
function apiFilter(f: Filters) {
  return { hook: f.hook, groupID: f.group, from: fromLocalInput(f.from), to: fromLocalInput(f.to) };
}

export function EventsPage({ query }: { query: URLSearchParams }) {
  const applied = filtersOf(query);
  const page = Math.max(1, Number(query.get('page')) || 1);
  const [form, setForm] = useState(applied);
  const [notice, setNotice] = useState('');
  const hooks = useCallbackKeys();
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

  const show = (f: Filters, p = 1) => {
    const q = new URLSearchParams(Object.entries(f).filter(([, v]) => v));
    if (p > 1) q.set('page', String(p));
    navigate(`/events${q.size ? `?${q}` : ''}`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    show(form);
  };
  /** Calls a route that takes the filter and says what it did. */
  async function act(path: string, said: (count: number) => string) {
    try {
      const { count } = await call<{ count: number }>(path, apiFilter(applied));
      setNotice(said(count));
      await reload();
    } catch (err) {
      setNotice(messageOf(err));
    }
  }
  const replayDead = () =>
    act('/callback/replay_dead', (count) => `${count} dead event${count === 1 ? '' : 's'} queued again`);
  const retryPending = () =>
    act('/callback/retry_pending', (count) => `${count} waiting group${count === 1 ? '' : 's'} retried now`);
  const set = (field: keyof Filters) => (e: { target: { value: string } }) =>
    setForm({ ...form, [field]: e.target.value });

  return (
    <section>
      <h1>Delivery log</h1>
      <form className="filters" onSubmit={submit} aria-label="filters">
        <label>
          Hook
          <select value={form.hook} onChange={set('hook')} name="hook">
            <option value="">any</option>
            {hooks.map((h) => (
              <option key={h}>{h}</option>
            ))}
          </select>
        </label>
        <label>
          Group
          <input value={form.group} onChange={set('group')} name="group" placeholder="groupID" />
        </label>
        <label>
          Status
          <select value={form.status} onChange={set('status')} name="status">
            <option value="">any</option>
            {DELIVERY_STATUSES.map((status) => (
              <option key={status}>{status}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" step="1" value={form.from} onChange={set('from')} name="from" />
        </label>
        <label>
          To
          <input type="datetime-local" step="1" value={form.to} onChange={set('to')} name="to" />
        </label>
        <div className="actions">
          <button type="submit">Filter</button>
          <button type="button" onClick={() => void reload()}>
            Refresh
          </button>
          <button
            type="button"
            onClick={() => void replayDead()}
            title="every dead event matching hook, group and time"
          >
            Replay dead
          </button>
          <button
            type="button"
            onClick={() => void retryPending()}
            title="send now every pending event waiting for its next scheduled retry (hook, group and time)"
          >
            Retry waiting
          </button>
        </div>
      </form>
      {notice && <p className="notice">{notice}</p>}
      {error && <p className="error">{error}</p>}
      <DataTable className="events" columns={['Created', 'Hook', 'Group', 'Status', 'Attempts', 'Last error']}>
        {data?.events.map((e) => (
          <tr key={e.eventID} data-event={e.eventID}>
            <td>
              <Link to={`/events/${encodeURIComponent(e.eventID)}`}>{formatTime(e.createTime)}</Link>
            </td>
            <td>{e.hook}</td>
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
      {data && data.events.length === 0 && <p className="muted">No events match.</p>}
      {data && <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(p) => show(applied, p)} />}
    </section>
  );
}
