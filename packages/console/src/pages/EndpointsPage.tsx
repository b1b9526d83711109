// Endpoints: each business server huddle calls, with its health over the last 24 hours, pause and
// resume, its signing secret (masked, revealed on demand, rotated), a test event, and the way to its
// failures.
// Every change is a new configuration document saved through /callback/set_config, which applies
// it at once on every instance.

import { useState } from 'react';
import type { DeliveryStats } from '@huddle/protocol/delivery-log';
import { call } from '../api';
import { ActionButton } from '../components/ActionButton';
import { EndpointTest } from '../components/EndpointTest';
import type { Doc } from '../callbackConfigFields';
import { endpointsOf, maskSecret, newSigningSecret, withEndpoint, type EndpointDoc } from '../endpointDocs';
import { Time } from '../components/Time';
import { Link } from '../router';
import type { ConfigView } from '../types';
import { useAction } from '../useAction';
import { useLoad } from '../useLoad';

const DAY_MS = 86_400_000;

async function load() {
  const to = Date.now();
  const [config, stats] = await Promise.all([
    call<ConfigView>('/callback/get_config', {}),
    call<DeliveryStats>('/callback/get_delivery_stats', { from: to - DAY_MS, to, bucketMs: 3_600_000 }),
  ]);
  return { config, stats };
}

export function EndpointsPage() {
  const { data, error, reload } = useLoad(load, []);
  const { run, busy, notice } = useAction(reload);
  const [revealed, setRevealed] = useState<string[]>([]);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const doc = data.config.config as Doc;
  const save = (e: EndpointDoc, change: Doc, done: string, confirmFirst?: string) =>
    run('/callback/set_config', { config: withEndpoint(doc, e, change) }, done, confirmFirst);

  return (
    <section>
      <h1>Endpoints</h1>
      <p className="muted">
        Health over the last 24 hours. Edit URLs, dialects and hooks in <Link to="/config">Configuration</Link>.
      </p>
      {notice}
      <div className="endpoint-cards">
        {endpointsOf(doc).map((e) => {
          const s = data.stats.endpoints.find((x) => x.endpoint === e.name);
          const attempts = (s?.successes ?? 0) + (s?.failures ?? 0);
          const shown = revealed.includes(e.name);
          return (
            <article key={e.name} className="endpoint-card" data-endpoint={e.name}>
              <h2>
                <span className="mono">{e.name}</span>{' '}
                <span
                  className={`badge ${e.paused ? 'badge-pending' : e.url ? 'badge-delivered' : ''}`}
                  data-field="state"
                >
                  {e.paused ? 'paused' : e.url ? 'active' : 'no URL'}
                </span>
              </h2>
              <dl className="facts">
                <dt>URL</dt>
                <dd className="mono wrap">{e.url || '—'}</dd>
                <dt>Dialect</dt>
                <dd>{e.dialect}</dd>
                <dt>Hooks on</dt>
                <dd>{e.hooksOn}</dd>
                <dt>Last 24 h</dt>
                <dd>
                  {attempts === 0
                    ? 'no attempts'
                    : `${attempts} attempts, ${Math.round((100 * (s?.successes ?? 0)) / attempts)} % succeeded, p90 ${s?.latencyMs.p90} ms`}
                </dd>
                <dt>Last success</dt>
                <dd>
                  <Time ms={s?.lastSuccessTime ?? 0} />
                </dd>
                <dt>Last failure</dt>
                <dd>
                  <Time ms={s?.lastFailureTime ?? 0} />
                </dd>
                <dt>Waiting / dead</dt>
                <dd>
                  {s?.pending ?? 0} / {s?.dead ? <Link to="/events?status=dead">{s.dead}</Link> : 0}
                </dd>
                <dt>Signing secret</dt>
                <dd className="mono wrap" data-field="secret">
                  {e.signingSecret ? (shown ? e.signingSecret : maskSecret(e.signingSecret)) : 'none (unsigned)'}
                </dd>
              </dl>
              <div className="actions">
                <ActionButton
                  label={e.paused ? 'Resume' : 'Pause'}
                  disabled={busy}
                  onClick={() =>
                    e.paused
                      ? save(e, { paused: undefined }, `${e.name} resumed: waiting events go out now.`)
                      : save(e, { paused: true }, `${e.name} paused: its events wait.`)
                  }
                />
                {e.signingSecret && (
                  <button
                    type="button"
                    onClick={() => setRevealed(shown ? revealed.filter((n) => n !== e.name) : [...revealed, e.name])}
                  >
                    {shown ? 'Hide secret' : 'Reveal secret'}
                  </button>
                )}
                <ActionButton
                  label={e.signingSecret ? 'Rotate secret' : 'Add a secret'}
                  disabled={busy}
                  onClick={() =>
                    save(
                      e,
                      { signingSecret: newSigningSecret() },
                      `${e.name} signs with a new secret from now on.`,
                      `Sign ${e.name}'s callbacks with a new secret? The business server must verify with it from now on.`,
                    )
                  }
                />
              </div>
              {e.url && <EndpointTest endpoint={e.name} />}
            </article>
          );
        })}
      </div>
    </section>
  );
}
