// Callback attempts as this instance makes them (server-sent events), newest first. Reconnects
// after a dropped stream.

import { useEffect, useState } from 'react';
import { messageOf } from '../api';
import { StatusBadge } from '../components/StatusBadge';
import { formatTime } from '../format';
import { readLiveStream } from '../liveStream';
import { Link } from '../router';
import type { AttemptNotice } from '../types';
import { DataTable } from '../components/DataTable';

const KEEP = 200;
const RECONNECT_MS = 2000;

export function LivePage() {
  const [attempts, setAttempts] = useState<AttemptNotice[]>([]);
  const [state, setState] = useState('connecting…');

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      readLiveStream(
        (n) => setAttempts((list) => [n, ...list].slice(0, KEEP)),
        () => setState('connected'),
        abort.signal,
      )
        .then(() => setState('stream ended; reconnecting…'))
        .catch((err: unknown) => setState(`disconnected (${messageOf(err)}); reconnecting…`))
        .finally(() => {
          if (!abort.signal.aborted) timer = setTimeout(connect, RECONNECT_MS);
        });
    };
    connect();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, []);

  return (
    <section>
      <h1>Live</h1>
      <p className="muted">
        Delivery attempts of after-callbacks as this instance makes them: <span className="live-state">{state}</span>
      </p>
      <DataTable className="live" columns={['Time', 'Hook', 'Group', '#', 'Outcome', 'HTTP', 'Duration', 'Error']}>
        {attempts.map((a) => (
          <tr key={`${a.eventID}-${a.attempt}`}>
            <td>
              <Link to={`/events/${encodeURIComponent(a.eventID)}`}>{formatTime(a.time)}</Link>
            </td>
            <td>{a.hook}</td>
            <td>{a.groupID}</td>
            <td>{a.attempt}</td>
            <td>
              <StatusBadge status={a.outcome} />
            </td>
            <td>{a.statusCode || 'none'}</td>
            <td>{Math.round(a.durationMs)} ms</td>
            <td className="clip">{a.error}</td>
          </tr>
        ))}
      </DataTable>
      {attempts.length === 0 && <p className="muted">Nothing sent since this page opened.</p>}
    </section>
  );
}
