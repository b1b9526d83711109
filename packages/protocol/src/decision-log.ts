// The before-callback decision log as the admin API shows it (/callback/list_decisions): every
// before-callback huddle asked, what it came to, how long it took and what the business server
// answered. The server builds these views; the console reads them. Imports only view.ts, like
// delivery-log.ts, so the browser bundle takes no Node module.

import * as view from './view.js';
import type { ViewType } from './view.js';

/**
 * allow: proceed unchanged; modify: proceed with the answer's changes; reject: the business server
 * refused; failed: no usable answer (timeout, transport error, non-2xx, unreadable body).
 */
export const DECISIONS = ['allow', 'modify', 'reject', 'failed'] as const;
export type Decision = (typeof DECISIONS)[number];

export const DecisionView = view.object(
  {
    decisionID: view.string(),
    time: view.integer('Unix milliseconds the request went out'),
    hook: view.string(),
    endpoint: view.string('the endpoint asked; `command` is in its dialect'),
    command: view.string(),
    url: view.string('the request URL'),
    groupID: view.string('the group it concerns, or the conversation or user for hooks without one'),
    operationID: view.string(),
    decision: view.oneOf(DECISIONS),
    failedContinue: view.boolean('the hook’s failedContinue when it was asked'),
    proceeded: view.boolean('whether the operation went on: allow and modify, or failed with failedContinue'),
    latencyMs: view.schemaView<number>({ type: 'number', description: 'round trip, in tenths of a millisecond' }),
    statusCode: view.integer('0 when no HTTP response arrived (timeout, refused connection)'),
    errCode: view.integer('the business server’s errCode (reject); 0 otherwise'),
    errMsg: view.string('the business server’s errMsg (reject)'),
    error: view.string('why the answer was not usable (failed)'),
    answer: view.string('the response body, at most 4 KB'),
  },
  'DecisionView',
);
export type DecisionView = ViewType<typeof DecisionView>;

/** /callback/list_decisions's data: newest first, and how long decisions are kept. */
export const DecisionPage = view.object({
  total: view.integer('matches over all pages'),
  retentionMs: view.integer(
    'decisions are deleted this long after they were made (HUDDLE_DECISION_RETENTION_DAYS); 0 keeps them',
  ),
  decisions: view.array(DecisionView),
});
export type DecisionPage = ViewType<typeof DecisionPage>;
