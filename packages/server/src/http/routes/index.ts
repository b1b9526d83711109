import type { Services } from '../../domain/index.js';
import type { Route } from '../route.js';
import { applicationRoutes } from './applications.js';
import { authRoutes } from './auth.js';
import { groupRoutes } from './groups.js';
import { memberRoutes } from './members.js';
import { userRoutes } from './users.js';

export function allRoutes(services: Services): Route[] {
  return [
    ...authRoutes(services),
    ...userRoutes(services),
    ...groupRoutes(services),
    ...memberRoutes(services),
    ...applicationRoutes(services),
  ];
}
