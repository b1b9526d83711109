// Callback attempts as this instance makes them (server-sent events), newest first, with the
// endpoint each went to; the endpoint filter narrows what is shown (every attempt is still kept, so
// clearing it shows the others). Reconnects after a dropped stream.

import { useEffect, useState } from 'react';
import { messageOf } from '../api';
import { Choice } from '../components/FilterFields';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';
import { readLiveStream } from '../liveStream';
import { Link } from '../router';
import type { AttemptNotice } from '../types';
import { DataTable } from '../components/DataTable';
import { useEndpointNames } from '../useEndpointNames';

const KEEP = 200;
const RECONNECT_MS = 2000;

export function LivePage() {
  const [attempts, setAttempts] = useState<AttemptNotice[]>([]);
  const [state, setState] = useState('connecting…');
  const [endpoint, setEndpoint] = useState('');
  const configured = useEndpointNames();

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

  const names = [...new Set([...configured, ...attempts.map((a) => a.endpoint)])];
  const shown = endpoint ? attempts.filter((a) => a.endpoint === endpoint) : attempts;

  return (
    <section>
      <h1>Live</h1>
      <p className="muted">
        Delivery attempts of after-callbacks as this instance makes them: <span className="live-state">{state}</span>
      </p>
      <form className="filters" aria-label="filters" onSubmit={(e) => e.preventDefault()}>
        <Choice
          label="Endpoint"
          name="endpoint"
          value={endpoint}
          values={names}
          onChange={(e) => setEndpoint(e.target.value)}
        />
      </form>
      <DataTable
        className="live"
        columns={['Time', 'Hook', 'Endpoint', 'Group', '#', 'Outcome', 'HTTP', 'Duration', 'Error']}
      >
        {shown.map((a) => (
          <tr key={`${a.eventID}-${a.attempt}`} data-endpoint={a.endpoint}>
            <td>
              <Link to={`/events/${encodeURIComponent(a.eventID)}`}>
                <Time ms={a.time} />
              </Link>
            </td>
            <td>{a.hook}</td>
            <td data-col="endpoint" title={a.url}>
              {a.endpoint}
            </td>
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
      {attempts.length > 0 && shown.length === 0 && (
        <p className="muted">Nothing sent to {endpoint} since this page opened.</p>
      )}
    </section>
  );
}
