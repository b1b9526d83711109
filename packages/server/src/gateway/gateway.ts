// The WebSocket gateway OpenIM's client SDKs connect to (OpenIM's msggateway, port 10001): the
// upgrade with its query and token checks and the first text frame (§2), connections and their
// liveness (§11), pushes of committed messages (§10) here and, through the relay, on the other
// instances sharing the database, and OpenIM's kicks (a newer login on the same platform,
// force_logout).

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Signals } from '../cluster-signals.js';
import { type OpContext, Platform } from '../domain/context.js';
import type { ConnectionDetails, ConnectionEnd } from '../domain/presence.js';
import { ApiError, ERRORS } from '../errors.js';
import type { MessageRecord } from '../storage/records.js';
import { CloseCode, Connection, type ConnectionHost } from './connection.js';
import type { RequestHandler } from './requests.js';
import { framingOf, MAX_CLIENT_FRAME_BYTES } from './framing.js';
import { Pusher } from './push.js';
import { parseConnArgs, type ConnArgs } from './query.js';
import { Registry } from './registry.js';
import { itemsOf, Relay, type RelayItem } from './relay.js';
import { controlHandler } from './control.js';
import { ReqIdentifier } from './frames.js';
import { Watchers } from './watchers.js';
import { encode } from '../wire/openim-proto.js';

export interface GatewaySettings {
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxConnections: number;
  /** A connection that sent nothing for this long is dropped (OpenIM: 30 s). */
  idleTimeoutMs: number;
  /** Web clients (platform 5) get a WebSocket ping this often (OpenIM: 27 s). */
  webPingMs: number;
  /** How often liveness is checked. */
  checkEveryMs: number;
  maxInFlight: number;
  maxBufferedBytes: number;
}

export const DEFAULT_GATEWAY_SETTINGS: Omit<GatewaySettings, 'host' | 'port' | 'maxConnections'> = {
  idleTimeoutMs: 30_000,
  webPingMs: 27_000,
  checkEveryMs: 1000,
  maxInFlight: 8,
  maxBufferedBytes: 4 * 1024 * 1024,
};

/** Online state, kept by the domain (presence across instances and its callbacks). */
export interface PresencePort {
  online(
    ctx: OpContext,
    conn: {
      connID: string;
      instanceID: string;
      userID: string;
      platformID: number;
      background: boolean;
    } & ConnectionDetails,
  ): Promise<void>;
  offline(ctx: OpContext, conn: { connID: string }, reason: ConnectionEnd): Promise<unknown>;
  setBackground(ctx: OpContext, connID: string, background: boolean): Promise<unknown>;
}

/** A user's online state changed: a 2005 frame for whoever watches them. */
const statusFrame = (userID: string, platformIDs: number[]) =>
  encode('openim.sdkws.SubUserOnlineStatusTips', { subscribers: [{ userID, onlinePlatformIDs: platformIDs }] });

export interface GatewayDeps {
  settings: GatewaySettings;
  /** The client's address as the API reads it (X-Forwarded-For of trusted proxies). */
  clientAddress(req: http.IncomingMessage): string;
  /** The token's user and platform, or the ApiError of a token refused. */
  authenticate(token: string): Promise<{ userID: string; platformID: number }>;
  /** A login replaced older connections (here or elsewhere): OpenIM also revokes their tokens. */
  loginReplaced(userID: string, platformID: number, keepTokenHash: string): Promise<void>;
  handlers: ReadonlyMap<number, RequestHandler>;
  /** The platforms each user is online on, across instances. */
  onlinePlatforms(userIDs: readonly string[]): Promise<Map<string, number[]>>;
  readers(m: MessageRecord): Promise<string[]>;
  encodePush(messages: readonly MessageRecord[]): Uint8Array;
  /** Stored messages seqs from..to of a conversation (for pushes relayed from other instances). */
  loadMessages(conversationID: string, from: number, to: number): Promise<MessageRecord[]>;
  presence: PresencePort;
  /** Keeps this instance's online state alive (presence-keeper.ts): started before the first connection. */
  keeper: { start(): Promise<void>; tick(): Promise<void>; stop(): Promise<void> };
  bus: Signals;
  instanceID: string;
  now(): number;
  logger: Logger;
}

export class Gateway {
  readonly registry = new Registry();
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  private readonly pusher: Pusher;
  private readonly relay: Relay;
  /** Each connection's online record being written: its offline record waits for it. */
  private readonly recorded = new WeakMap<Connection, Promise<void>>();
  private readonly watchers = new Watchers();
  private readonly host: ConnectionHost;
  /** Upgrades being checked (query, token), and connections whose login is being recorded. */
  private pending = 0;
  private accepting = 0;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly deps: GatewayDeps) {
    const { logger } = deps;
    // A client must finish its upgrade request within 10 s (slow-header attacks hold sockets).
    this.http = http.createServer({ headersTimeout: 10_000, requestTimeout: 10_000 }, (_req, res) => {
      res.writeHead(426, { 'content-type': 'application/json', upgrade: 'websocket' });
      res.end(
        JSON.stringify({
          errCode: ERRORS.ConnArgsErr.code,
          errMsg: 'ConnArgsErr',
          errDlt: 'a WebSocket upgrade is expected',
        }),
      );
    });
    // permessage-deflate stays off: the Go SDKs gzip frames themselves, and deflate per client
    // would compress each push once per connection instead of once per framing.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false });
    this.http.on('upgrade', (req, socket, head) => void this.upgrade(req, socket as Duplex, head));
    this.pusher = new Pusher({
      registry: this.registry,
      readers: deps.readers,
      encode: deps.encodePush,
      load: deps.loadMessages,
      onError: (err) => logger.warn({ err }, 'a push failed'),
    });
    this.relay = new Relay(deps.bus, deps.instanceID, (item, bytes) =>
      logger.warn(
        { kind: item.k, bytes },
        'an online-only message is too large for the other instances; only clients here get it',
      ),
    );
    // Pushes may have been lost (the bus was down, or a batch went missing): clients here reconnect
    // and, as every SDK does on connecting, compare their seqs with the server's and pull what they lack.
    const resync = (why: string) => {
      if (this.registry.size === 0) return;
      logger.warn(
        { connections: this.registry.size, why },
        'pushes from other instances were lost; clients reconnect to resync',
      );
      for (const c of [...this.registry.all()]) c.close(1012, 'resync', 'resync');
    };
    this.relay.onItems(
      (items) => {
        for (const item of items) void this.remote(item);
      },
      (sender) => resync(`batches of instance ${sender} went missing`),
    );
    deps.bus.onReconnect(() => resync('the connection to the other instances was lost'));
    const control = controlHandler({
      onlinePlatforms: (userIDs) => deps.onlinePlatforms(userIDs),
      background: async (conn, background) => {
        await deps.presence.setBackground(conn.context(conn.args.operationID), conn.connID, background);
      },
      watch: (conn, subscribe, unsubscribe) => this.watchers.update(conn, subscribe, unsubscribe),
    });
    this.host = {
      handlers: deps.handlers,
      now: deps.now,
      control,
      closed: (conn) => void this.closed(conn),
      log: (conn, what, detail) => logger.debug({ connID: conn.connID, userID: conn.userID, ...detail }, what),
    };
  }

  async listen(): Promise<AddressInfo> {
    const { host, port } = this.deps.settings;
    await this.deps.keeper.start();
    const address = await new Promise<AddressInfo>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve(this.http.address() as AddressInfo));
    });
    this.timer = setInterval(() => this.checkLiveness(), this.deps.settings.checkEveryMs);
    this.timer.unref();
    return address;
  }

  address(): AddressInfo | undefined {
    return (this.http.address() as AddressInfo | null) ?? undefined;
  }

  /** Messages committed on this instance: pushed here, and to the clients of the other instances. */
  committed(messages: readonly MessageRecord[], operationID: string): void {
    // The Go SDKs refuse to act on a push without an operationID (they reuse it for the REST calls
    // it triggers): a change no request made gets one of its own.
    const op = operationID || `push-${randomBytes(8).toString('hex')}`;
    void this.pusher.push(messages, op);
    for (const item of itemsOf(messages, op)) this.relay.send(item);
  }

  /** force_logout: the user's connections on the platform are kicked, here and elsewhere. */
  loggedOut(userID: string, platformID: number): void {
    this.kickLocal(userID, platformID, undefined, 'force_logout');
    this.relay.send({ k: 'logout', u: userID, p: platformID });
  }

  /** Tests move the clock, then call this: the liveness check, and the presence heartbeat awaited. */
  tick(): Promise<void> {
    this.checkLiveness();
    return this.deps.keeper.tick();
  }

  /** Drops idle connections and pings web clients; runs on a timer. */
  private checkLiveness(): void {
    const now = this.deps.now();
    const { idleTimeoutMs, webPingMs } = this.deps.settings;
    for (const c of [...this.registry.all()]) {
      if (now - c.lastSeen > idleTimeoutMs) {
        this.deps.logger.debug({ connID: c.connID, userID: c.userID }, 'dropped an idle connection');
        c.terminate('idle');
      } else if (c.platformID === Platform.Web && now - c.lastPing >= webPingMs) c.ping(now);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    this.relay.close();
    const closedAll = [...this.registry.all()].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.socket.once('close', () => resolve());
          c.close(1001, 'server shutting down', 'shutdown');
        }),
    );
    // A client that never completes the close handshake does not hold the shutdown.
    const grace = setTimeout(() => {
      for (const c of this.registry.all()) c.terminate();
    }, 2000);
    await Promise.all(closedAll);
    clearTimeout(grace);
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.deps.keeper.stop();
  }

  private async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://gateway');
    const header = req.headers.compression;
    let args: ConnArgs;
    this.pending++;
    try {
      if (this.closing) throw new ApiError('ConnOverMaxNumLimit', 'the server is shutting down');
      if (this.registry.size + this.pending + this.accepting > this.deps.settings.maxConnections)
        throw new ApiError('ConnOverMaxNumLimit', 'over max conn num limit');
      args = parseConnArgs(url, typeof header === 'string' ? header : undefined);
      const owner = await this.deps.authenticate(args.token);
      if (owner.userID !== args.userID)
        throw new ApiError('TokenInvalidError', `token uid ${owner.userID} != userID ${args.userID}`);
      if (owner.platformID !== args.platformID)
        throw new ApiError('TokenInvalidError', `token platform ${owner.platformID} != platformID ${args.platformID}`);
      // Shutdown may have begun while the token was checked (SDKs reconnect at once on 1001).
      if (this.closing) throw new ApiError('ConnOverMaxNumLimit', 'the server is shutting down');
    } catch (err) {
      this.pending--;
      return this.refuse(req, socket, head, url, err);
    }
    // ws answers a bad handshake itself and never calls back: the count cannot wait for the callback.
    this.pending--;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.accepting++;
      void this.accept(ws, args, this.deps.clientAddress(req)).finally(() => this.accepting--);
    });
  }

  private async accept(ws: WebSocket, args: ConnArgs, clientIP: string): Promise<void> {
    const framing = framingOf(args.sdkType, args.gzip);
    const conn = new Connection(randomBytes(8).toString('hex'), ws, args, framing, clientIP, this.host, {
      maxInFlight: this.deps.settings.maxInFlight,
      maxBufferedBytes: this.deps.settings.maxBufferedBytes,
    });
    // The login is recorded (online state, callbacks, older tokens of the platform revoked) before
    // the client hears it succeeded; pushes start once it has heard it, and whatever was committed
    // before then the client pulls in the sync every SDK runs right after connecting.
    const replaced = this.registry.replacedBy(conn.userID, conn.platformID, conn.tokenHash);
    const recorded = this.recordOnline(conn, args.operationID, replaced.length > 0);
    this.recorded.set(conn, recorded);
    await recorded;
    if (!conn.isOpen) return;
    // Shut down while the login was recorded: close() waits only for connections registered when
    // it began, so one registered now would hold the gateway's port open.
    if (this.closing) {
      conn.close(1001, 'server shutting down', 'shutdown');
      return;
    }
    if (args.isMsgResp) ws.send(JSON.stringify({ errCode: 0, errMsg: '', errDlt: '' }), { binary: false });
    this.registry.add(conn);
    for (const old of replaced) old.kick(args.operationID);
    this.relay.send({ k: 'login', u: conn.userID, p: conn.platformID, th: conn.tokenHash });
    this.deps.logger.debug(
      { connID: conn.connID, userID: conn.userID, platformID: conn.platformID, framing: framing.name },
      'client connected',
    );
    await this.statusChanged(conn.userID, true);
  }

  /** A refused upgrade: with isMsgResp, as a text frame on an opened socket (a browser cannot read a refused upgrade's body). */
  private refuse(req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL, err: unknown): void {
    const e = err instanceof ApiError ? err : new ApiError('ServerInternalError');
    if (!(err instanceof ApiError)) this.deps.logger.error({ err }, 'gateway upgrade failed');
    const envelope = JSON.stringify({ errCode: e.code, errMsg: e.errMsg, errDlt: e.detail });
    if (url.searchParams.get('isMsgResp') === 'true' && !this.closing) {
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(envelope, { binary: false });
        ws.close(CloseCode.Policy, e.errMsg);
      });
      return;
    }
    socket.end(
      `HTTP/1.1 ${e.httpStatus} ${http.STATUS_CODES[e.httpStatus] ?? ''}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(envelope)}\r\nconnection: close\r\n\r\n${envelope}`,
    );
  }

  private presenceOf(c: Connection) {
    return {
      connID: c.connID,
      instanceID: this.deps.instanceID,
      userID: c.userID,
      platformID: c.platformID,
      background: c.background,
      remoteAddr: c.clientIP,
      sdkType: c.args.sdkType,
      sdkVersion: c.args.sdkVersion,
    };
  }

  /**
   * Another instance swept this one as dead (it stalled past the presence TTL) and reported its
   * connections offline: those still open are recorded online again.
   */
  async reregister(): Promise<void> {
    for (const c of [...this.registry.all()]) await this.recordOnline(c, c.args.operationID, false);
  }

  /** Records a connection online (and, when it replaced older ones, revokes their tokens); a failure is logged. */
  private async recordOnline(conn: Connection, operationID: string, replacedOthers: boolean): Promise<void> {
    try {
      if (replacedOthers) await this.deps.loginReplaced(conn.userID, conn.platformID, conn.tokenHash);
      await this.deps.presence.online(conn.context(operationID), this.presenceOf(conn));
    } catch (err) {
      this.deps.logger.warn({ err, userID: conn.userID }, 'could not record a login');
    }
  }

  /** Kicks the user's connections here on the platform but those of `keepTokenHash`; returns how many. */
  private kickLocal(
    userID: string,
    platformID: number,
    keepTokenHash: string | undefined,
    why: 'kicked' | 'force_logout',
  ): number {
    const kicked = [...this.registry.of(userID)].filter(
      (c) => c.platformID === platformID && c.tokenHash !== keepTokenHash,
    );
    for (const c of kicked) c.kick('', why);
    return kicked.length;
  }

  private async closed(conn: Connection): Promise<void> {
    // A connection that closed while its login was being recorded was never registered: its
    // offline record still follows its online one.
    const recorded = this.recorded.get(conn);
    if (!this.registry.remove(conn) && !recorded) return;
    this.recorded.delete(conn);
    this.watchers.forget(conn);
    const reason = conn.endReason;
    this.deps.logger.debug({ connID: conn.connID, userID: conn.userID, reason }, 'client disconnected');
    try {
      await recorded;
      await this.deps.presence.offline(conn.context(conn.args.operationID), conn, reason);
    } catch (err) {
      this.deps.logger.warn({ err, userID: conn.userID }, 'could not record a logout');
    }
    await this.statusChanged(conn.userID, true);
  }

  /** Tells the watchers of `userID` here (and, when it changed here, on the other instances). */
  private async statusChanged(userID: string, here: boolean): Promise<void> {
    if (here) this.relay.send({ k: 'status', u: userID });
    const watchers = this.watchers.of(userID);
    if (watchers.size === 0) return;
    const platforms = (await this.deps.onlinePlatforms([userID])).get(userID) ?? [];
    const data = statusFrame(userID, platforms);
    for (const c of watchers)
      c.send({
        reqIdentifier: ReqIdentifier.SubUserOnlineStatus,
        msgIncr: '',
        operationID: '',
        errCode: 0,
        errMsg: '',
        data,
      });
  }

  private async remote(item: RelayItem): Promise<void> {
    try {
      switch (item.k) {
        case 'seqs':
          await this.pusher.pushLoaded(item.c, item.from, item.to, item.op);
          return;
        case 'live':
          await this.pusher.push([item.m], item.op);
          return;
        case 'login':
          if (this.kickLocal(item.u, item.p, item.th, 'kicked') > 0)
            await this.deps.loginReplaced(item.u, item.p, item.th);
          return;
        case 'logout':
          this.kickLocal(item.u, item.p, undefined, 'force_logout');
          return;
        case 'status':
          await this.statusChanged(item.u, false);
          return;
      }
    } catch (err) {
      this.deps.logger.warn({ err, kind: item.k }, 'could not handle an item from another instance');
    }
  }
}
