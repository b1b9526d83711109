// One endpoint's hooks: a switch each (only the hooks its dialect has), and for before-hooks the
// timeout in seconds and what a failed callback does (continue the operation, or refuse it).

import { fieldId, isObject, numberFromText, type Doc, type EndpointFormParts } from '../callbackConfigFields';
import { FieldError } from './FieldError';

interface Props extends EndpointFormParts {
  onChange: (key: string, change: Doc) => void;
}

export function CallbackTable({ endpoint, hooks, problemsAt, onChange }: Props) {
  const shown = hooks.filter((h) => h.dialects.includes(endpoint.dialect));
  return (
    <div className="table-wrap">
      <table className="hooks">
        <thead>
          <tr>
            <th>Hook</th>
            <th>On</th>
            <th>Timeout (s)</th>
            <th>If the call fails</th>
          </tr>
        </thead>
        <tbody>
          {shown.map(({ key, phase }) => {
            const path = `${endpoint.hooksPrefix}${key}`;
            const raw = endpoint.hooks[key];
            const entry: Doc = isObject(raw) ? raw : {};
            const on = entry.enable === true;
            const label = `${key} on ${endpoint.name || 'the new endpoint'}`;
            return (
              <tr key={key} data-hook={key} className={on ? 'hook-on' : undefined}>
                <td className="hook-key">
                  <span className="mono">{key}</span>
                  <FieldError problems={problemsAt(path)} />
                </td>
                <td>
                  <input
                    type="checkbox"
                    role="switch"
                    aria-checked={on}
                    id={fieldId(`${path}.enable`)}
                    name={`${path}.enable`}
                    aria-label={label}
                    checked={on}
                    onChange={(e) => onChange(key, { enable: e.target.checked })}
                  />
                  <FieldError problems={problemsAt(`${path}.enable`)} />
                </td>
                <td>
                  {phase === 'before' ? (
                    <>
                      <input
                        className="timeout"
                        id={fieldId(`${path}.timeout`)}
                        name={`${path}.timeout`}
                        aria-label={`${label}: timeout in seconds`}
                        inputMode="decimal"
                        placeholder="5"
                        value={entry.timeout === undefined ? '' : String(entry.timeout)}
                        onChange={(e) =>
                          onChange(key, {
                            timeout: e.target.value === '' ? undefined : numberFromText(e.target.value),
                          })
                        }
                      />
                      <span className="muted small"> s</span>
                      <FieldError problems={problemsAt(`${path}.timeout`)} />
                    </>
                  ) : (
                    <span className="muted no-setting">—</span>
                  )}
                </td>
                <td>
                  {phase === 'before' ? (
                    <>
                      <select
                        id={fieldId(`${path}.failedContinue`)}
                        name={`${path}.failedContinue`}
                        aria-label={`${label}: if the call fails`}
                        value={entry.failedContinue === false ? 'refuse' : 'continue'}
                        onChange={(e) => onChange(key, { failedContinue: e.target.value === 'continue' })}
                      >
                        <option value="continue">continue</option>
                        <option value="refuse">refuse</option>
                      </select>
                      <FieldError problems={problemsAt(`${path}.failedContinue`)} />
                    </>
                  ) : (
                    <span className="muted no-setting">—</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
