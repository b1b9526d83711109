// A list page's filters kept in the URL (a filtered view can be shared or reloaded): the values
// applied (from the URL), the form being edited, and the page number. Submitting or paging
// navigates; the page re-reads what the URL says.

import { useEffect, useState, type FormEvent } from 'react';
import { navigate } from './router';

export function useUrlFilters<F extends string>(route: string, fields: readonly F[], query: URLSearchParams) {
  type Filters = Record<F, string>;
  const applied = Object.fromEntries(fields.map((f) => [f, query.get(f) ?? ''])) as Filters;
  const page = Math.max(1, Number(query.get('page')) || 1);
  const [form, setForm] = useState(applied);
  // Back, forward or a link to another filter of this page: the form shows what the URL applies.
  const key = query.toString();
  useEffect(() => setForm(applied), [key]);
  const show = (f: Filters, p = 1) => {
    const q = new URLSearchParams(Object.entries<string>(f).filter(([, v]) => v));
    if (p > 1) q.set('page', String(p));
    navigate(`${route}${q.size ? `?${q}` : ''}`);
  };
  return {
    applied,
    page,
    form,
    /** The form's change handler for one field. */
    set: (field: F) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value }),
    submit: (e: FormEvent) => {
      e.preventDefault();
      show(form);
    },
    /** Navigates to another page of the applied filter. */
    goTo: (p: number) => show(applied, p),
  };
}
