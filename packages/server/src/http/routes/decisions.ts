// The before-callback decision log (domain/decision-log.ts), for app admins: every before-callback
// asked, newest first, filtered by endpoint, hook, decision, group, operation and time, each row
// with its answer.

import { CALLBACK_KEYS, CALLBACKS, DecisionPage, DECISIONS, LIMITS, obj, pagination, str } from '@huddle/protocol';
import type { Services } from '../../domain/index.js';
import { route } from '../route.js';
import { optOneOf } from './callbacks.js';
import { optMillis } from './window.js';

/** Only before-callbacks are decided: an after-hook in the filter is refused, not answered with nothing. */
const BEFORE_KEYS = CALLBACK_KEYS.filter((k) => CALLBACKS[k].phase === 'before');

export const decisionRoutes = ({ decisions }: Services) => [
  route({
    path: '/callback/list_decisions',
    body: obj({
      endpoint: str({ max: 64 }),
      hook: optOneOf(BEFORE_KEYS),
      decision: optOneOf(DECISIONS),
      groupID: str({ max: LIMITS.id }),
      operationID: str({ max: 256 }),
      from: optMillis(),
      to: optMillis(),
      pagination: pagination(),
    }),
    response: DecisionPage,
    handle: (ctx, body) => decisions.list(ctx, body, body.pagination),
  }),
];
