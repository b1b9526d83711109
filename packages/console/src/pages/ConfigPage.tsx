// The callback configuration: the document /callback/get_config returns, edited as a form (or as
// JSON) and saved whole with /callback/set_config, which applies it at once on every instance.
// The form follows the document's own keys, so new keys (endpoints, …) appear without changes here.

import { useEffect, useState } from 'react';
import { ApiError, call, messageOf } from '../api';
import { FieldError } from '../components/FieldError';
import { CallbackTable } from '../components/CallbackTable';
import { ObjectList } from '../components/ObjectList';
import { ScalarInput } from '../components/ScalarInput';
import {
  fieldPaths,
  kindOf,
  listFromText,
  ownerOf,
  parseConfigError,
  type Doc,
  type Scalar,
} from '../callbackConfigFields';
import { formatTime } from '../format';
import type { ConfigView } from '../types';
import { useLoad } from '../useLoad';

export function ConfigPage() {
  const { data, error: loadError } = useLoad(() => call<ConfigView>('/callback/get_config', {}), []);
  const [view, setView] = useState<ConfigView>();
  const [doc, setDoc] = useState<Doc>({});
  const [asJson, setAsJson] = useState(false);
  const [jsonText, setJsonText] = useState('');
  const [failure, setFailure] = useState<{ key: string; message: string }>();
  const [notice, setNotice] = useState('');

  const show = (v: ConfigView) => {
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
  const set = (key: string, value: unknown) => edit({ ...doc, [key]: value });

  let jsonError = '';
  if (asJson) {
    try {
      JSON.parse(jsonText);
    } catch (err) {
      jsonError = messageOf(err);
    }
  }

  async function save() {
    const config = asJson ? (JSON.parse(jsonText) as Doc) : doc;
    setNotice('');
    try {
      show(await call<ConfigView>('/callback/set_config', { config }));
      setFailure(undefined);
      setNotice('Saved and applied.');
    } catch (err) {
      setFailure(err instanceof ApiError ? parseConfigError(err.errDlt) : { key: '', message: messageOf(err) });
      if (asJson) setDoc(config);
    }
  }

  if (loadError) return <p className="error">{loadError}</p>;
  if (!view) return <p className="muted">Loading…</p>;
  const owner = failure ? ownerOf(failure.key, fieldPaths(doc)) : '';
  const errorAt = (path: string) => (failure && !asJson && owner === path ? failure.message : undefined);
  const entries = Object.entries(doc);
  const hooks = entries.filter(([, v]) => kindOf(v) === 'hook') as [string, Doc][];

  return (
    <section>
      <h1>Callback configuration</h1>
      <p className="muted">
        Source: {view.source}
        {view.changedAt ? `, saved ${formatTime(view.changedAt)}` : ''}. Timeouts and delays are in seconds.
      </p>
      <div className="actions">
        <button type="button" onClick={() => void save()} disabled={!!jsonError}>
          Save
        </button>
        <label className="toggle">
          <input type="checkbox" checked={asJson} onChange={(e) => setAsJson(e.target.checked)} /> Edit as JSON
        </label>
      </div>
      {notice && <p className="notice">{notice}</p>}
      {failure && (asJson || !owner) && (
        <p className="error" role="alert">
          {failure.key ? `${failure.key}: ` : ''}
          {failure.message}
        </p>
      )}
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
          {jsonError && <p className="error">{jsonError}</p>}
        </>
      ) : (
        <>
          <div className="settings">
            {entries.map(([key, value]) => {
              const kind = kindOf(value);
              if (kind === 'scalar') {
                return (
                  <label key={key}>
                    {key}
                    <ScalarInput name={key} value={value as Scalar} onChange={(v) => set(key, v)} />
                    <FieldError message={errorAt(key)} />
                  </label>
                );
              }
              if (kind === 'scalarList') {
                return (
                  <label key={key}>
                    {key} <span className="muted small">(comma-separated)</span>
                    <input
                      key={(value as Scalar[]).join()}
                      name={key}
                      defaultValue={(value as Scalar[]).join(', ')}
                      onBlur={(e) => set(key, listFromText(e.target.value))}
                    />
                    <FieldError message={errorAt(key)} />
                  </label>
                );
              }
              if (kind === 'objectList')
                return (
                  <ObjectList
                    key={key}
                    name={key}
                    items={value as Doc[]}
                    errorAt={errorAt}
                    onChange={(items) => set(key, items)}
                  />
                );
              if (kind === 'other') {
                return (
                  <div key={key} className="label">
                    {key} <span className="muted small">(JSON)</span>
                    <code>{JSON.stringify(value)}</code>
                    <FieldError message={errorAt(key)} />
                  </div>
                );
              }
              return null;
            })}
          </div>
          <h2>Hooks</h2>
          <CallbackTable hooks={hooks} errorAt={errorAt} onChange={set} />
        </>
      )}
    </section>
  );
}
