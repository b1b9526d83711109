import type { OpContext } from '../domain/context.js';
import type { Schema } from '@huddle/protocol';

export interface Route<T = unknown> {
  /** The POST path, e.g. /group/create_group. */
  path: string;
  /** Public routes need no token header (OpenIM's whitelist: get_admin_token, parse_token). */
  public?: boolean;
  body: Schema<T>;
  /** Returns the `data` of the envelope, or undefined for an empty success (no `data` key). */
  handle(ctx: OpContext, body: T): Promise<unknown>;
}

/** Declares a route with its body type inferred from the schema. */
export function route<T>(r: Route<T>): Route {
  return r as Route;
}
