// One client on the gateway: its frames in (requests, text pings) and out (responses, pushes, the
// kick), its liveness, and the bounds that keep a hostile or slow client from costing more than
// its share: requests are handled a few at a time (the socket is paused meanwhile, so a flood waits
// in the client's TCP window, not in our memory), and a client that does not read its pushes is cut
// off once its unsent bytes pass a limit.

import type { WebSocket } from 'ws';
import { ApiError } from '../errors.js';
import { hashToken } from '../domain/auth.js';
import type { OpContext } from '../domain/context.js';
import type { ConnectionEnd } from '../domain/presence.js';
import type { FrameError, Framing } from './framing.js';
import { ReqIdentifier, type WsRequest, type WsResponse } from './frames.js';
import type { ConnArgs } from './query.js';
import type { GatewaySession, RequestHandler } from './requests.js';

/** Close codes: 1008 policy (a rule broken), 1009 too big (ws sends it itself), 4000+ ours. */
export const CloseCode = { Normal: 1000, Policy: 1008, Kicked: 4002, Idle: 4008, SlowReader: 4009 } as const;

export interface ConnectionOptions {
  /** Requests handled at once per connection; more wait in the socket. */
  maxInFlight: number;
  /** Bytes queued for a client that is not reading before it is cut off. */
  maxBufferedBytes: number;
}

/** What a connection asks of the gateway it belongs to. */
export interface ConnectionHost {
  handlers: ReadonlyMap<number, RequestHandler>;
  now(): number;
  /** A request the connection itself answers: 2003, 2004, 2005. */
  control(conn: Connection, req: WsRequest): Promise<Uint8Array>;
  closed(conn: Connection): void;
  log(conn: Connection, what: string, detail?: Record<string, unknown>): void;
}

export class Connection implements GatewaySession {
  readonly userID: string;
  readonly platformID: number;
  /** Of the connection's token, to tell logins apart without passing tokens around. */
  readonly tokenHash: string;
  background: boolean;
  lastSeen: number;
  lastPing: number;
  /** Why it ends, for its history and the offline callbacks: whoever ends it says why first. */
  endReason: ConnectionEnd = 'closed';
  private inFlight = 0;
  private paused = false;
  private closing = false;

  constructor(
    readonly connID: string,
    readonly socket: WebSocket,
    readonly args: ConnArgs,
    readonly framing: Framing,
    readonly clientIP: string,
    private readonly host: ConnectionHost,
    private readonly options: ConnectionOptions,
  ) {
    this.userID = args.userID;
    this.platformID = args.platformID;
    this.tokenHash = hashToken(args.token);
    this.background = args.background;
    this.lastSeen = this.lastPing = host.now();
    socket.on('message', (data, isBinary) => this.received(data as Buffer, isBinary));
    socket.on('pong', () => this.seen());
    socket.on('ping', () => this.seen());
    socket.on('close', () => {
      this.closing = true;
      host.closed(this);
    });
    socket.on('error', (err) => host.log(this, 'socket error', { err: err.message }));
  }

  context(operationID: string): OpContext {
    return {
      operationID,
      caller: { userID: this.userID, platformID: this.platformID, isAppAdmin: false },
      clientIP: this.clientIP,
    };
  }

  get isOpen(): boolean {
    return !this.closing;
  }

  /** Sends a frame already encoded in this connection's framing; cuts off a client that is not reading. */
  sendEncoded(frame: Buffer): void {
    if (this.closing) return;
    if (this.socket.bufferedAmount + frame.length > this.options.maxBufferedBytes) {
      this.host.log(this, 'cut off a client that does not read', { buffered: this.socket.bufferedAmount });
      this.terminate('slow_reader');
      return;
    }
    this.socket.send(frame, { binary: true });
  }

  send(response: WsResponse): void {
    this.sendEncoded(this.framing.encode(response));
  }

  /** OpenIM's kick: a 2002 frame, then the close. */
  kick(operationID: string, why: 'kicked' | 'force_logout' = 'kicked'): void {
    if (this.closing) return;
    this.endReason = why;
    this.send({
      reqIdentifier: ReqIdentifier.KickOnlineMsg,
      msgIncr: '',
      operationID,
      errCode: 0,
      errMsg: '',
      data: new Uint8Array(),
    });
    this.close(CloseCode.Kicked, 'kicked');
  }

  close(code: number = CloseCode.Normal, reason = '', why?: ConnectionEnd): void {
    if (this.closing) return;
    this.closing = true;
    if (why) this.endReason = why;
    else if (code === CloseCode.Policy) this.endReason = 'protocol';
    this.socket.close(code, reason);
    // A client that never answers the close handshake is dropped after a while by ws itself (30 s).
  }

  terminate(why?: ConnectionEnd): void {
    if (why && !this.closing) this.endReason = why;
    this.closing = true;
    this.socket.terminate();
  }

  /** A WebSocket ping control frame (browsers answer it by themselves). */
  ping(now: number): void {
    this.lastPing = now;
    if (!this.closing) this.socket.ping();
  }

  private seen(): void {
    this.lastSeen = this.host.now();
  }

  private received(data: Buffer, isBinary: boolean): void {
    this.seen();
    if (this.closing) return;
    if (!isBinary) {
      this.textFrame(data);
      return;
    }
    let req: WsRequest;
    try {
      req = this.framing.decode(data);
    } catch (err) {
      // OpenIM closes a connection whose frame does not decode.
      this.host.log(this, 'closed: undecodable frame', { err: (err as FrameError).message });
      this.close(CloseCode.Policy, 'undecodable frame');
      return;
    }
    if (req.sendID !== this.userID) {
      this.host.log(this, 'closed: a request for another user', { sendID: req.sendID.slice(0, 64) });
      this.close(CloseCode.Policy, 'sendID is not the connection user');
      return;
    }
    const handler = this.host.handlers.get(req.reqIdentifier);
    const control =
      req.reqIdentifier === ReqIdentifier.Logout ||
      req.reqIdentifier === ReqIdentifier.SetBackgroundStatus ||
      req.reqIdentifier === ReqIdentifier.SubUserOnlineStatus;
    if (!handler && !control) {
      this.host.log(this, 'closed: unknown request identifier', { reqIdentifier: req.reqIdentifier });
      this.close(CloseCode.Policy, 'unknown request identifier');
      return;
    }
    this.inFlight++;
    if (this.inFlight >= this.options.maxInFlight && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    const work = handler ? handler(this, req) : this.host.control(this, req);
    work.then(
      (data) => this.answer(req, 0, '', data),
      (err: unknown) => {
        if (err instanceof ApiError) return this.answer(req, err.code, err.errMsg, new Uint8Array(), err.detail);
        this.host.log(this, 'request failed', { reqIdentifier: req.reqIdentifier, err: String(err) });
        this.answer(req, 500, 'ServerInternalError', new Uint8Array());
      },
    );
  }

  private answer(req: WsRequest, errCode: number, errMsg: string, data: Uint8Array, detail = ''): void {
    this.inFlight--;
    if (this.paused && this.inFlight < this.options.maxInFlight) {
      this.paused = false;
      this.socket.resume();
    }
    this.send({
      reqIdentifier: req.reqIdentifier,
      msgIncr: req.msgIncr,
      operationID: req.operationID,
      errCode,
      // OpenIM puts the detail after the message ("ArgsError: ..."): the SDKs show errMsg.
      errMsg: detail ? `${errMsg}: ${detail}` : errMsg,
      data,
    });
    if (req.reqIdentifier === ReqIdentifier.Logout && errCode === 0) {
      this.endReason = 'logout';
      this.close(CloseCode.Normal, 'logged out');
    }
  }

  /** Text frames carry only the heartbeat: {"type":"ping",...} is answered in kind; others close. */
  private textFrame(data: Buffer): void {
    let o: unknown;
    try {
      o = JSON.parse(data.toString('utf8'));
    } catch {
      o = undefined;
    }
    const type = typeof o === 'object' && o !== null ? (o as { type?: unknown }).type : undefined;
    if (type === 'ping') {
      this.socket.send(JSON.stringify({ ...(o as object), type: 'pong' }), { binary: false });
      return;
    }
    if (type === 'pong') return;
    this.host.log(this, 'closed: a text frame that is not a heartbeat');
    this.close(CloseCode.Policy, 'unexpected text frame');
  }
}
