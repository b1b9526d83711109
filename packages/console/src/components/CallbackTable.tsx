// The hook entries of the configuration: on or off, timeout (seconds), and for before-hooks what a
// failed callback does.

import type { Doc, Scalar } from '../callbackConfigFields';
import { FieldError } from './FieldError';
import { ScalarInput } from './ScalarInput';
import { DataTable } from './DataTable';

interface Props {
  hooks: [string, Doc][];
  errorAt: (path: string) => string | undefined;
  onChange: (key: string, entry: Doc) => void;
}

const COLUMNS = ['enable', 'timeout', 'failedContinue'] as const;

export function CallbackTable({ hooks, errorAt, onChange }: Props) {
  return (
    <DataTable className="hooks" columns={['Hook', 'Enabled', 'Timeout (s)', 'On failure']}>
      {hooks.map(([key, entry]) => (
        <tr key={key} data-hook={key}>
          <td>
            {key}
            <FieldError message={errorAt(key)} />
          </td>
          {COLUMNS.map((field) => (
            <td key={field}>
              {field in entry ? (
                <>
                  <ScalarInput
                    name={`${key}.${field}`}
                    value={entry[field] as Scalar}
                    onChange={(v) => onChange(key, { ...entry, [field]: v })}
                  />
                  {field === 'failedContinue' && (
                    <span className="muted small">{entry[field] ? ' proceed' : ' refuse'}</span>
                  )}
                </>
              ) : (
                <span className="muted">—</span>
              )}
              <FieldError message={errorAt(`${key}.${field}`)} />
            </td>
          ))}
        </tr>
      ))}
    </DataTable>
  );
}
