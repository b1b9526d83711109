// A searchable, paged list whose search text and page live in the URL (shareable, survives reload),
// kept there by useUrlFilters like every list page's filter: paging keeps the search applied, not
// a choice made in the form and not submitted.

import type { ReactNode } from 'react';
import { useUrlFilters } from '../useUrlFilters';
import { Pager } from './Pager';

export const LIST_PAGE_SIZE = 20;
const FIELDS = ['q', 'by'] as const;

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
  const { page, form, set, submit, goTo } = useUrlFilters(base, FIELDS, query);
  return (
    <>
      <form onSubmit={submit} className="inline" aria-label="search">
        {searchIn && (
          <select value={form.by || searchIn[0]?.value} onChange={set('by')} name="by" aria-label="search in">
            {searchIn.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        )}
        <input value={form.q} onChange={set('q')} placeholder={placeholder} name="q" aria-label="search text" />
        <button type="submit">Search</button>
      </form>
      {children}
      {total !== undefined && <Pager page={page} pageSize={LIST_PAGE_SIZE} total={total} onPage={goTo} />}
    </>
  );
}
