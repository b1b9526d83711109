// One endpoint of the configuration form: the top-level one ("default", OpenIM's dialect, its
// name fixed) or a listed one (named, either dialect, removable), with its hooks.

import { DIALECTS, fieldId, type Doc, type EndpointFormParts } from '../callbackConfigFields';
import { CallbackTable } from './CallbackTable';
import { FieldError } from './FieldError';
import { SecretInput } from './SecretInput';

interface Props extends EndpointFormParts {
  /** Sets the endpoint's own keys (undefined removes one). */
  onFields: (change: Doc) => void;
  onDialect: (dialect: string) => void;
  onHook: (key: string, change: Doc) => void;
  onRemove: () => void;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export function EndpointCard({ endpoint, hooks, problemsAt, onFields, onDialect, onHook, onRemove }: Props) {
  const { prefix, entry, index } = endpoint;
  const top = index === undefined;
  const path = (field: string) => `${prefix}${field}`;
  const field = (name: string, label: string, control: React.ReactNode) => (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is passed in
    <label key={name}>
      {label}
      {control}
      <FieldError problems={problemsAt(path(name))} />
    </label>
  );
  const textInput = (name: string, extra: { placeholder?: string; inputMode?: 'numeric' } = {}) => (
    <input
      id={fieldId(path(name))}
      name={path(name)}
      value={text(entry[name])}
      onChange={(e) => onFields({ [name]: e.target.value })}
      {...extra}
    />
  );
  return (
    <article
      className="endpoint-card config-endpoint"
      data-endpoint={top ? 'default' : `endpoints[${index}]`}
      id={fieldId(top ? 'url' : `endpoints[${index}]`)}
      aria-label={`endpoint ${endpoint.name || 'without a name'}`}
    >
      <header>
        <h2>
          <span className="mono">{endpoint.name || '(new endpoint)'}</span>
          {top && <span className="muted small"> the top-level url</span>}
        </h2>
        {!top && (
          <button type="button" className="danger" onClick={onRemove}>
            Remove endpoint
          </button>
        )}
      </header>
      {!top && <FieldError problems={problemsAt(`endpoints[${index}]`)} />}
      <div className="config-fields">
        {top
          ? field('name', 'Name', <input value="default" disabled aria-label="name" />)
          : field('name', 'Name', textInput('name', { placeholder: 'billing' }))}
        {field('url', 'URL', textInput('url', { placeholder: 'https://example.com/callbacks (empty: sends nothing)' }))}
        {top
          ? field('dialect', 'Dialect', <input value="openim" disabled aria-label="dialect" />)
          : field(
              'dialect',
              'Dialect',
              <select
                id={fieldId(path('dialect'))}
                name={path('dialect')}
                value={endpoint.dialect}
                onChange={(e) => onDialect(e.target.value)}
              >
                {DIALECTS.map((d) => (
                  <option key={d} value={d}>
                    {d === 'openim' ? 'openim (OpenIM)' : 'tencent (Tencent Cloud Chat)'}
                  </option>
                ))}
              </select>,
            )}
        {endpoint.dialect === 'tencent' &&
          field('sdkAppId', 'SDKAppID', textInput('sdkAppId', { inputMode: 'numeric', placeholder: '1400123456' }))}
        {endpoint.dialect === 'tencent' && field('token', 'Token (optional)', textInput('token'))}
        {field(
          'signingSecret',
          'Signing secret',
          <SecretInput
            path={path('signingSecret')}
            value={text(entry.signingSecret)}
            onChange={(v) => onFields({ signingSecret: v === '' ? undefined : v })}
          />,
        )}
        <label className="toggle">
          <input
            type="checkbox"
            id={fieldId(path('paused'))}
            name={path('paused')}
            checked={entry.paused === true}
            onChange={(e) => onFields({ paused: e.target.checked ? true : undefined })}
          />
          Paused (its events wait)
          <FieldError problems={problemsAt(path('paused'))} />
        </label>
      </div>
      <h3>Hooks</h3>
      {!top && <FieldError problems={problemsAt(`${prefix}hooks`)} />}
      <CallbackTable endpoint={endpoint} hooks={hooks} problemsAt={problemsAt} onChange={onHook} />
    </article>
  );
}
