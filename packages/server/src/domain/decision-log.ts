// The before-callback decision log, for app admins: every before-callback asked, what it came to
// (allow, modify, reject, failed), its latency and the answer, newest first, kept for
// HUDDLE_DECISION_RETENTION_DAYS. The callback layer writes it (callbacks/decision-recorder.ts).

import { view, DecisionView, type Decision } from '@huddle/protocol';
import { args } from '../errors.js';
import type { DecisionRecord, Page } from '../storage/records.js';
import type { DecisionQuery, Store } from '../storage/store.js';
import type { OpContext } from './context.js';
import { requireCallbackAdmin } from './delivery-log.js';

export interface DecisionLogDeps {
  store: Store;
  /** How long decisions are kept (0: for ever), shown with every page. */
  decisionRetentionMs?: number;
}

/** Which decisions: empty strings and undefined bounds mean "any". */
export interface DecisionFilter {
  endpoint: string;
  groupID: string;
  operationID: string;
  hook?: string | undefined;
  decision?: Decision | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

/** The store's query: the fields given ("" and undefined are "any"). */
function query(f: DecisionFilter): DecisionQuery {
  if (f.from !== undefined && f.to !== undefined && f.from > f.to) throw args('from is after to');
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as DecisionQuery;
}

/** A failed before-callback lets the operation go on only with failedContinue. */
const proceeded = (d: DecisionRecord) =>
  d.decision === 'allow' || d.decision === 'modify' || (d.decision === 'failed' && d.failedContinue);

const decisionView = (d: DecisionRecord): DecisionView =>
  view.pick(DecisionView, d, {
    decisionID: d.id,
    time: d.decidedAt,
    proceeded: proceeded(d),
    statusCode: d.statusCode ?? 0,
  });

export function decisionLogService({ store, decisionRetentionMs = 0 }: DecisionLogDeps) {
  return {
    async list(ctx: OpContext, filter: DecisionFilter, page: Page) {
      requireCallbackAdmin(ctx.caller);
      const found = await store.repos.decisions.list(query(filter), page);
      return { total: found.total, retentionMs: decisionRetentionMs, decisions: found.items.map(decisionView) };
    },
  };
}
export type DecisionLogService = ReturnType<typeof decisionLogService>;
