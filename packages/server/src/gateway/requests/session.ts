// What a request handler is given: the connection's user, and a context for each request.

import type { OpContext } from '../../domain/context.js';
import type { WsRequest } from '../frames.js';

/** The user a connection logged in as (token and query checked by the gateway). */
export interface GatewaySession {
  readonly userID: string;
  readonly platformID: number;
  /** The domain's context for one request: the session's user as the caller. */
  context(operationID: string): OpContext;
}

/** Answers one request with its protobuf response; throws the domain's ApiError to refuse it. */
export type RequestHandler = (session: GatewaySession, req: WsRequest) => Promise<Uint8Array>;
