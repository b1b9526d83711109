// A searchable, paged list whose search text and page live in the URL (shareable, survives reload).

import { useState, type FormEvent, type ReactNode } from 'react';
import { navigate } from '../router';
import { Pager } from './Pager';

export const LIST_PAGE_SIZE = 20;

export function listQuery(query: URLSearchParams) {
  return { q: query.get('q') ?? '', by: query.get('by') ?? '', page: Math.max(1, Number(query.get('page')) || 1) };
}

export function SearchList({
  base,
  query,
  placeholder,
  total,
  searchIn,
  children,
}: {
  /** The page's route, e.g. /groups. */
  base: string;
  query: URLSearchParams;
  placeholder: string;
  total: number | undefined;
  /** What the text may be searched in (the first is the default), as `by` in the URL. */
  searchIn?: readonly { value: string; label: string }[];
  children: ReactNode;
}) {
  const { q, by, page } = listQuery(query);
  const [text, setText] = useState(q);
  const [field, setField] = useState(by || searchIn?.[0]?.value || '');
  const show = (search: string, p: number) => {
    const next = new URLSearchParams();
    if (search) next.set('q', search);
    if (search && searchIn && field !== searchIn[0]?.value) next.set('by', field);
    if (p > 1) next.set('page', String(p));
    navigate(`${base}${next.size ? `?${next}` : ''}`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    show(text.trim(), 1);
  };
  return (
    <>
      <form onSubmit={submit} className="inline" aria-label="search">
        {searchIn && (
          <select value={field} onChange={(e) => setField(e.target.value)} name="by" aria-label="search in">
            {searchIn.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        )}
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={placeholder}
          name="q"
          aria-label="search text"
        />
        <button type="submit">Search</button>
      </form>
      {children}
      {total !== undefined && <Pager page={page} pageSize={LIST_PAGE_SIZE} total={total} onPage={(p) => show(q, p)} />}
    </>
  );
}
