// huddle's own read of the chat side for the console's overview (app admins only).

import type { Services } from '../../domain/index.js';
import { Activity } from '../responses.js';
import { route } from '../route.js';
import { obj } from '@huddle/protocol';
import { windowFields, windowOf } from './window.js';

export const statsRoutes = ({ activity }: Services, now: () => number) => [
  route({
    path: '/stats/get_activity',
    body: obj(windowFields()),
    response: Activity,
    handle: (ctx, body) => activity.get(ctx, windowOf(body, now)),
  }),
];
