// The landing page: callback volume and success rate over time per endpoint (charts), latency
// percentiles, each endpoint's health, the dead events one click away, and the chat side: users
// and connections online, messages over time. It comes from /callback/get_delivery_stats (the
// delivery log) and /stats/get_activity (connections, messages): the same on every instance.

import { useEffect, useMemo, useState } from 'react';
import type { DeliveryStats, EndpointStats } from '@huddle/protocol/delivery-log';
import { call } from '../api';
import { DataTable } from '../components/DataTable';
import { TimeChart, type ChartSeries } from '../components/TimeChart';
import { Time } from '../components/Time';
import { Link } from '../router';
import { useLoad } from '../useLoad';

const WINDOWS = [
  { label: 'Last hour', spanMs: 3_600_000, bucketMs: 60_000, per: 'per minute' },
  { label: 'Last 24 hours', spanMs: 86_400_000, bucketMs: 900_000, per: 'per 15 minutes' },
  { label: 'Last 7 days', spanMs: 7 * 86_400_000, bucketMs: 7_200_000, per: 'per 2 hours' },
] as const;
const REFRESH_MS = 15_000;
const COLORS = ['#2456c7', '#17794a', '#b42318', '#9a6700', '#6941c6', '#0e7490'];

interface Activity {
  usersOnline: number;
  connectionsOnline: number;
  messages: { time: number; count: number }[];
}

const attempts = (e: EndpointStats) => e.successes + e.failures;
const rate = (ok: number, all: number) => (all === 0 ? null : Math.round((1000 * ok) / all) / 10);

function health(e: EndpointStats): { label: string; className: string } {
  if (!e.configured) return { label: 'removed', className: 'badge' };
  if (attempts(e) === 0) return { label: 'idle', className: 'badge' };
  if (e.lastFailureTime > e.lastSuccessTime) return { label: 'failing', className: 'badge badge-dead' };
  if (e.failures > 0) return { label: 'recovered', className: 'badge badge-pending' };
  return { label: 'healthy', className: 'badge badge-delivered' };
}

function charts(stats: DeliveryStats & { activity: Activity }) {
  const times = stats.endpoints[0]?.buckets.map((b) => b.time) ?? [];
  const color = (i: number) => COLORS[i % COLORS.length]!;
  const volume: ChartSeries[] = stats.endpoints.map((e, i) => ({
    label: e.endpoint,
    color: color(i),
    values: e.buckets.map((b) => b.successes + b.failures),
  }));
  const success: ChartSeries[] = stats.endpoints.map((e, i) => ({
    label: e.endpoint,
    color: color(i),
    values: e.buckets.map((b) => rate(b.successes, b.successes + b.failures)),
  }));
  const messages: ChartSeries[] = [
    { label: 'messages', color: COLORS[0]!, values: stats.activity.messages.map((b) => b.count) },
  ];
  return { times, volume, success, messages, messageTimes: stats.activity.messages.map((b) => b.time) };
}

export function OverviewPage() {
  const [windowIndex, setWindowIndex] = useState(0);
  const w = WINDOWS[windowIndex]!;
  const { data, error, reload } = useLoad(async () => {
    const to = Date.now();
    const window = { from: to - w.spanMs, to, bucketMs: w.bucketMs };
    const [stats, activity] = await Promise.all([
      call<DeliveryStats>('/callback/get_delivery_stats', window),
      call<Activity>('/stats/get_activity', window),
    ]);
    return { ...stats, activity };
  }, [w]);
  useEffect(() => {
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const drawn = useMemo(() => (data ? charts(data) : undefined), [data]);
  const dead = data?.endpoints.reduce((n, e) => n + e.dead, 0) ?? 0;
  const pending = data?.endpoints.reduce((n, e) => n + e.pending, 0) ?? 0;

  return (
    <section>
      <h1>Overview</h1>
      <div className="actions">
        <label className="toggle">
          Window
          <select name="window" value={windowIndex} onChange={(e) => setWindowIndex(Number(e.target.value))}>
            {WINDOWS.map((x, i) => (
              <option key={x.label} value={i}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      {!data || !drawn ? (
        !error && <p className="muted">Loading…</p>
      ) : (
        <>
          <div className="tiles">
            <Link to="/events?status=dead" className={`tile${dead > 0 ? ' tile-bad' : ''}`}>
              <span className="tile-value" data-tile="dead">
                {dead}
              </span>
              <span>dead events</span>
            </Link>
            <Link to="/events?status=pending" className="tile">
              <span className="tile-value" data-tile="pending">
                {pending}
              </span>
              <span>waiting for delivery</span>
            </Link>
            <div className="tile">
              <span className="tile-value" data-tile="users-online">
                {data.activity.usersOnline}
              </span>
              <span>users online ({data.activity.connectionsOnline} connections)</span>
            </div>
          </div>
          <div className="charts">
            <TimeChart title={`Attempts ${w.per}`} unit="attempts" times={drawn.times} series={drawn.volume} />
            <TimeChart title="Success rate (%)" unit="%" max={100} times={drawn.times} series={drawn.success} />
            <TimeChart title={`Messages ${w.per}`} unit="messages" times={drawn.messageTimes} series={drawn.messages} />
          </div>
          <h2>Endpoints</h2>
          <DataTable
            className="endpoint-health"
            columns={[
              'Endpoint',
              'Health',
              'Attempts',
              'Success',
              'p50 / p90 / p99',
              'Last success',
              'Last failure',
              'Waiting',
              'Dead',
            ]}
          >
            {data.endpoints.map((e) => {
              const h = health(e);
              const r = rate(e.successes, attempts(e));
              return (
                <tr key={e.endpoint} data-endpoint={e.endpoint}>
                  <td className="mono">{e.endpoint}</td>
                  <td>
                    <span className={h.className}>{h.label}</span>
                  </td>
                  <td data-col="attempts">{attempts(e)}</td>
                  <td data-col="success">{r === null ? '—' : `${r} %`}</td>
                  <td data-col="latency">
                    {attempts(e) === 0 ? '—' : `${e.latencyMs.p50} / ${e.latencyMs.p90} / ${e.latencyMs.p99} ms`}
                  </td>
                  <td>
                    <Time ms={e.lastSuccessTime} />
                  </td>
                  <td>
                    <Time ms={e.lastFailureTime} />
                  </td>
                  <td>{e.pending}</td>
                  <td>{e.dead > 0 ? <Link to="/events?status=dead">{e.dead}</Link> : 0}</td>
                </tr>
              );
            })}
          </DataTable>
          <p className="muted small">
            Attempts in the window, retries and replays included. Latency percentiles are read from a histogram (5 ms …
            60 s buckets), so they are close, not exact.
          </p>
        </>
      )}
    </section>
  );
}
