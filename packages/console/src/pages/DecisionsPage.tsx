// Before-callbacks: every before-callback huddle asked, newest first, with its decision (allow,
// modify, reject, failed), latency and HTTP status, filtered by endpoint, hook, decision, group and
// time (kept in the URL, so a filtered view can be shared). A row opens on the request URL, the
// answer and the error. Decisions are kept for HUDDLE_DECISION_RETENTION_DAYS, as the page says.

import { useState } from 'react';
import { DECISIONS, type DecisionPage } from '@huddle/protocol/decision-log';
import { call } from '../api';
import { DataTable } from '../components/DataTable';
import { DECISION_COLUMNS, DecisionRow } from '../components/DecisionRow';
import { Choice, FilterActions, GroupField, TimeRange } from '../components/FilterFields';
import { Pager } from '../components/Pager';
import { fromLocalInput } from '../format';
import { useCallbackKeys } from '../useCallbackKeys';
import { useEndpointNames } from '../useEndpointNames';
import { useLoad } from '../useLoad';
import { useUrlFilters } from '../useUrlFilters';

const PAGE_SIZE = 25;
const FILTERS = ['endpoint', 'hook', 'decision', 'group', 'from', 'to'] as const;
const DAY = 86_400_000;

/** "kept for 7 days", from the window the server reports. */
export function retentionText(ms: number): string {
  if (ms === 0) return 'kept until deleted (HUDDLE_DECISION_RETENTION_DAYS=0)';
  const days = ms / DAY;
  return `kept for ${days} day${days === 1 ? '' : 's'}`;
}

export function DecisionsPage({ query }: { query: URLSearchParams }) {
  const { applied, page, form, set, submit, goTo } = useUrlFilters('/decisions', FILTERS, query);
  const [opened, setOpened] = useState<string>();
  const endpoints = useEndpointNames();
  const hooks = useCallbackKeys('before');
  const { data, error, reload } = useLoad(
    () =>
      call<DecisionPage>('/callback/list_decisions', {
        endpoint: applied.endpoint,
        hook: applied.hook,
        decision: applied.decision,
        groupID: applied.group,
        from: fromLocalInput(applied.from),
        to: fromLocalInput(applied.to),
        pagination: { pageNumber: page, showNumber: PAGE_SIZE },
      }),
    [query.toString()],
  );

  return (
    <section>
      <h1>Before-callbacks</h1>
      <p className="muted retention">
        Every before-callback asked and what it decided
        {data && <>, {retentionText(data.retentionMs)}</>}.
      </p>
      <form className="filters" onSubmit={submit} aria-label="filters">
        <Choice label="Endpoint" name="endpoint" value={form.endpoint} values={endpoints} onChange={set('endpoint')} />
        <Choice label="Hook" name="hook" value={form.hook} values={hooks} onChange={set('hook')} />
        <Choice label="Decision" name="decision" value={form.decision} values={DECISIONS} onChange={set('decision')} />
        <GroupField value={form.group} onChange={set('group')} />
        <TimeRange from={form.from} to={form.to} onFrom={set('from')} onTo={set('to')} />
        <FilterActions onRefresh={() => void reload()} />
      </form>
      {error && <p className="error">{error}</p>}
      <DataTable className="decisions" columns={DECISION_COLUMNS}>
        {data?.decisions.map((d) => (
          <DecisionRow
            key={d.decisionID}
            d={d}
            open={opened === d.decisionID}
            onToggle={() => setOpened(opened === d.decisionID ? undefined : d.decisionID)}
          />
        ))}
      </DataTable>
      {data && data.decisions.length === 0 && <p className="muted">No decisions match.</p>}
      {data && <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={goTo} />}
    </section>
  );
}
