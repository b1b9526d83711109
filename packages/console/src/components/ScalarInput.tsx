// One editable value of the configuration: a checkbox for booleans, text for the rest (numbers are
// typed as text so a wrong value reaches the server and its error shows here).

import { fromText, type Scalar } from '../callbackConfigFields';

export function ScalarInput({ name, value, onChange }: { name: string; value: Scalar; onChange: (v: Scalar) => void }) {
  if (typeof value === 'boolean') {
    return (
      <input
        type="checkbox"
        name={name}
        aria-label={name}
        checked={value}
        onChange={(e) => onChange(e.target.checked)}
      />
    );
  }
  return (
    <input
      name={name}
      aria-label={name}
      inputMode={typeof value === 'number' ? 'decimal' : undefined}
      value={String(value)}
      onChange={(e) => onChange(fromText(e.target.value, value))}
    />
  );
}
