import type { OpContext } from '../domain/context.js';
import type { Schema, View } from '@huddle/protocol';

export interface Route<T = unknown> {
  /** The POST path, e.g. /group/create_group. */
  path: string;
  /** Public routes need no token header (OpenIM's whitelist: get_admin_token, parse_token). */
  public?: boolean;
  body: Schema<T>;
  /** The envelope's `data` on success (NO_DATA for an empty one), as the API document shows it. */
  response: View<unknown>;
  /**
   * Also takes a protobuf body (Content-Type application/x-protobuf or application/protobuf) and
   * then answers `data` as the base64 of the protobuf answer (OpenIM's /jssdk routes).
   */
  protobuf?: { decode(body: Uint8Array): unknown; encode(data: unknown): Uint8Array };
  /** Returns the `data` of the envelope, or undefined for an empty success (no `data` key). */
  handle(ctx: OpContext, body: T): Promise<unknown>;
}

/**
 * Declares a route with its body type inferred from the schema; the handler must answer what
 * `response` describes (NoInfer: the view decides the type, the handler is checked against it).
 */
export function route<T, R>(
  r: Omit<Route<T>, 'response' | 'handle'> & {
    response: View<R>;
    handle(ctx: OpContext, body: T): Promise<NoInfer<R>>;
  },
): Route {
  return r as Route;
}
