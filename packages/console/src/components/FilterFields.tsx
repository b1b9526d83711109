// Fields of a list page's filter form: a choice among values ("any" first), a group ID, a time
// range (datetime-local in the browser's zone, which the labels name; read with fromLocalInput),
// and the Filter and Refresh buttons (with the page's own actions after them).

import type { ReactNode } from 'react';
import { zoneLabel } from '../format';

type OnChange = (e: { target: { value: string } }) => void;

export function Choice({
  label,
  name,
  value,
  values,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  values: readonly string[];
  onChange: OnChange;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={onChange} name={name}>
        <option value="">any</option>
        {/* The value stays choosable when the list lacks it (not loaded yet, or gone from the configuration). */}
        {(value && !values.includes(value) ? [...values, value] : values).map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    </label>
  );
}

export function TimeRange({ from, to, onFrom, onTo }: { from: string; to: string; onFrom: OnChange; onTo: OnChange }) {
  const zone = zoneLabel();
  return (
    <>
      <label>
        From ({zone})
        <input type="datetime-local" step="1" value={from} onChange={onFrom} name="from" />
      </label>
      <label>
        To ({zone})
        <input type="datetime-local" step="1" value={to} onChange={onTo} name="to" />
      </label>
    </>
  );
}

export function GroupField({ value, onChange }: { value: string; onChange: OnChange }) {
  return (
    <label>
      Group
      <input value={value} onChange={onChange} name="group" placeholder="groupID" />
    </label>
  );
}

export function FilterActions({ onRefresh, children }: { onRefresh: () => void; children?: ReactNode }) {
  return (
    <div className="actions">
      <button type="submit">Filter</button>
      <button type="button" onClick={onRefresh}>
        Refresh
      </button>
      {children}
    </div>
  );
}
