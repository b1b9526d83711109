// The callback configuration as a form: the retry schedule and delivery concurrency, then one card
// per endpoint (the top-level url as "default", then each listed one) with its hooks as switches.
// Save checks the document with /callback/check_config first and lists every problem at once (at
// the top, each linking to its field, and beside its field); a valid one goes to
// /callback/set_config, which applies it at once on every instance. The document keeps its shape:
// keys the form does not show stay as they were, and `endpoints` appears only when one is added.

import { useEffect, useState } from 'react';
import { call, messageOf } from '../api';
import {
  endpointRefs,
  fieldPaths,
  isHookEntry,
  numberFromText,
  ownerOf,
  problemsByField,
  withDialect,
  withEndpointFields,
  withHook,
  withNewEndpoint,
  withoutEndpoint,
  type ConfigProblem,
  type Doc,
  type EndpointRef,
  type HookInfo,
} from '../callbackConfigFields';
import { EndpointCard } from '../components/EndpointCard';
import { FieldError } from '../components/FieldError';
import { ProblemList } from '../components/ProblemList';
import { RetrySchedule } from '../components/RetrySchedule';
import { formatTime } from '../format';
import type { ConfigView } from '../types';
import { useLoad } from '../useLoad';

type FormView = ConfigView & { hooks: HookInfo[] };

export function ConfigPage() {
  const { data, error: loadError } = useLoad(() => call<FormView>('/callback/get_config', {}), []);
  const [view, setView] = useState<FormView>();
  const [doc, setDoc] = useState<Doc>({});
  const [asJson, setAsJson] = useState(false);
  const [jsonText, setJsonText] = useState('');
  const [problems, setProblems] = useState<ConfigProblem[]>([]);
  const [failure, setFailure] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  const show = (v: FormView) => {
    setView(v);
    setDoc(v.config);
    setJsonText(JSON.stringify(v.config, null, 2));
  };
  useEffect(() => {
    if (data) show(data);
  }, [data]);

  const edit = (next: Doc) => {
    setDoc(next);
    setJsonText(JSON.stringify(next, null, 2));
    setNotice('');
  };

  let jsonDoc: Doc | undefined;
  let jsonError = '';
  if (asJson) {
    try {
      const parsed: unknown = JSON.parse(jsonText);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) jsonDoc = parsed as Doc;
      else jsonError = 'the configuration is a JSON object';
    } catch (err) {
      jsonError = messageOf(err);
    }
  }

  function switchMode(json: boolean) {
    // Back to the form: it shows what was typed as JSON (when it is a document).
    if (!json && jsonDoc) setDoc(jsonDoc);
    setAsJson(json);
  }

  /** Checks the document; saves it when asked and valid. */
  async function submit(save: boolean) {
    const config = asJson && jsonDoc ? jsonDoc : doc;
    if (asJson) setDoc(config);
    setNotice('');
    setFailure('');
    setBusy(true);
    try {
      const check = await call<{ valid: boolean; problems: ConfigProblem[] }>('/callback/check_config', { config });
      setProblems(check.problems);
      if (!check.valid) return;
      if (!save) {
        setNotice('No problems found. Nothing is saved until you save.');
        return;
      }
      show(await call<FormView>('/callback/set_config', { config }));
      setNotice('Saved and applied.');
    } catch (err) {
      setFailure(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  /** Switches a listed endpoint's dialect, and says which enabled hooks the new one has not. */
  function changeDialect(ref: EndpointRef, dialect: string) {
    const hooks = view?.hooks ?? [];
    const lost = Object.entries(ref.hooks)
      .filter(
        ([k, h]) => isHookEntry(h) && h.enable === true && !hooks.find((x) => x.key === k)?.dialects.includes(dialect),
      )
      .map(([k]) => k);
    edit(withDialect(doc, ref, dialect, hooks));
    if (lost.length)
      setNotice(`${dialect} has no callback for ${lost.join(', ')}: switched off on ${ref.name || 'this endpoint'}.`);
  }

  function removeEndpoint(index: number, name: string) {
    if (!confirm(`Remove the endpoint ${name || 'without a name'}? It takes effect when you save.`)) return;
    edit(withoutEndpoint(doc, index));
  }

  if (loadError) return <p className="error">{loadError}</p>;
  if (!view) return <p className="muted">Loading…</p>;
  const hooks = view.hooks;
  const paths = asJson ? [] : fieldPaths(doc, hooks);
  const byField = problemsByField(problems, paths);
  const problemsAt = (path: string) => byField.get(path);
  const refs = endpointRefs(doc);
  const delays = Array.isArray(doc.retrySchedule) ? (doc.retrySchedule as unknown[]) : undefined;

  return (
    <section className="config-page">
      <h1>Callback configuration</h1>
      <p className="muted">
        Source: {view.source}
        {view.changedAt ? `, saved ${formatTime(view.changedAt)}` : ''}. A save applies at once on every instance.
      </p>
      <div className="actions config-actions">
        <button type="button" className="primary" onClick={() => void submit(true)} disabled={busy || !!jsonError}>
          Save
        </button>
        <button type="button" onClick={() => void submit(false)} disabled={busy || !!jsonError}>
          Check
        </button>
        <label className="toggle">
          {/* Back to the form only from a document: the form cannot show broken JSON, and its next edit would overwrite it. */}
          <input
            type="checkbox"
            checked={asJson}
            disabled={asJson && !!jsonError}
            title={asJson && jsonError ? 'fix the JSON to go back to the form' : undefined}
            onChange={(e) => switchMode(e.target.checked)}
          />{' '}
          Edit as JSON
        </label>
      </div>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      <ProblemList problems={problems} ownerOf={(key) => ownerOf(key, paths)} />
      {asJson ? (
        <>
          <textarea
            className="json-editor"
            value={jsonText}
            onChange={(e) => setJsonText(e.target.value)}
            rows={30}
            spellCheck={false}
            aria-label="configuration JSON"
          />
          {jsonError && <p className="error">{jsonError} (fix it to save, or to go back to the form)</p>}
        </>
      ) : (
        <>
          <h2>Delivery</h2>
          <div className="config-global">
            {delays ? (
              <RetrySchedule
                delays={delays}
                problemsAt={problemsAt}
                onChange={(d) => edit({ ...doc, retrySchedule: d })}
              />
            ) : (
              <p className="muted">
                Retry schedule: the default.{' '}
                <button type="button" className="link" onClick={() => edit({ ...doc, retrySchedule: ['5s', '5m'] })}>
                  Set one
                </button>
              </p>
            )}
            <label className="concurrency">
              Delivery concurrency
              <input
                id="cfg-deliveryConcurrency"
                name="deliveryConcurrency"
                inputMode="numeric"
                placeholder="256"
                value={doc.deliveryConcurrency === undefined ? '' : String(doc.deliveryConcurrency)}
                onChange={(e) =>
                  edit({
                    ...doc,
                    deliveryConcurrency: e.target.value === '' ? undefined : numberFromText(e.target.value),
                  })
                }
              />
              <span className="muted small">after-callbacks in flight at once (1 to 4096)</span>
              <FieldError problems={problemsAt('deliveryConcurrency')} />
            </label>
          </div>
          <h2>Endpoints</h2>
          <FieldError problems={problemsAt('endpoints')} />
          <div className="config-endpoints">
            {refs.map((ref) => (
              <EndpointCard
                key={ref.index ?? 'default'}
                endpoint={ref}
                hooks={hooks}
                problemsAt={problemsAt}
                onFields={(change) => edit(withEndpointFields(doc, ref.index, change))}
                onDialect={(dialect) => changeDialect(ref, dialect)}
                onHook={(key, change) => edit(withHook(doc, ref, key, change))}
                onRemove={() => ref.index !== undefined && removeEndpoint(ref.index, ref.name)}
              />
            ))}
          </div>
          <button type="button" onClick={() => edit(withNewEndpoint(doc))}>
            Add endpoint
          </button>
        </>
      )}
    </section>
  );
}
