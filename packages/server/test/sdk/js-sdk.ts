// OpenIM's pure-JavaScript client SDK (@openim/client-sdk 0.0.14) driven against a real huddle under
// Node, with `ws` standing in for the browser's WebSocket. The SDK is GPL-3.0-only: a devDependency
// used by tests alone, never imported from packages/*/src, never bundled or shipped.
//
// One import serves every client. The bundle keeps no per-user state at module level: getSDK()
// builds a fresh OpenIMSDK object with its own socket, caches, sync versions and listeners (read in
// its bundle). Its only process-wide state is loglevel's default logger, whose level each login
// sets, to the same value here.
//
// Each client records every event the SDK emits. `next(event, predicate)` awaits the first matching
// event not yet taken, whether it came before the call or after, so a test never sleeps. A sync or
// connection failure (the "no sync-failure events") rejects every pending `next` at once and
// fails closeClients(); only a reconnection refused while a test has the server down is allowed.

import type {
  AdvancedGetMessageResult,
  ApiService,
  ConversationItem,
  GroupItem,
  GroupMemberItem,
  MessageItem,
} from '@openim/client-sdk';
// The modern build, not the package's main entry: its ES5 builds (main, module, umd) compile
// `[...seqs.entries()]` to `[].concat(seqs.entries())`, an array holding the iterator, so pulling
// the messages missed while offline (pullMsgBySeqRange, after a reconnection) throws. The modern
// build is the same source compiled without that.
import { CbEvents, getSDK, LogLevel } from '@openim/client-sdk/lib/index.modern.mjs';
import WebSocket from 'ws';

export { CbEvents };

/** Where a client connects: the gateway's ws:// URL and the REST base (OpenIM's wsAddr, apiAddr). */
export interface Endpoint {
  wsUrl: string;
  apiAddr: string;
}

export interface SdkEvent<T = any> {
  event: string;
  data: T;
  errCode: number;
  errMsg: string;
  operationID: string;
  /** A failure that came while the test had the server down on purpose (outage()). */
  tolerated?: boolean;
}

const WEB = 5;
/** Events a healthy run never shows. */
const FAILURES = new Set<string>([
  CbEvents.OnSyncServerFailed,
  CbEvents.OnConnectFailed,
  CbEvents.OnUserTokenInvalid,
  CbEvents.OnUserTokenExpired,
]);

type Listener = (event: SdkEvent) => void;
/** getSDK()'s proxy also passes on/off through, and the internals closed() reaches. */
type Sdk = ApiService & {
  on(event: string, fn: Listener): void;
  messageTrigger?: { typingManager?: { send?: { dispose(): void }; state?: { dispose(): void } } };
};

// `ws` made to behave as a browser's WebSocket, which the SDK was written for: binary frames arrive
// as ArrayBuffers (ws defaults to Buffers), and nothing arrives once close() is called (the WHATWG
// spec drops a message unless the socket is OPEN; ws delivers it, and the SDK, already reset by
// logout, would handle it with no server address). Installed as the global while any client is open.
class BrowserWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    this.binaryType = 'arraybuffer';
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'message' && this.readyState !== WebSocket.OPEN) return false;
    return super.emit(event, ...args);
  }
}
const scope = globalThis as { WebSocket?: unknown };
let holders = 0;
let previous: unknown;
function holdWebSocket() {
  if (holders++ === 0) {
    previous = scope.WebSocket;
    scope.WebSocket = BrowserWebSocket;
  }
}
function releaseWebSocket() {
  if (--holders === 0) {
    if (previous === undefined) delete scope.WebSocket;
    else scope.WebSocket = previous;
  }
}

const open = new Set<SdkClient>();

export class SdkClient {
  readonly sdk: Sdk;
  readonly events: SdkEvent[] = [];
  private readonly taken = new Set<number>();
  private readonly waiters = new Set<() => void>();
  /** Set by outage(): refused reconnections are expected. */
  down = false;
  private closed = false;

  constructor(
    readonly userID: string,
    public endpoint: Endpoint,
    private token: string,
  ) {
    holdWebSocket();
    open.add(this);
    this.sdk = getSDK() as Sdk;
    for (const name of Object.values(CbEvents)) this.sdk.on(name, (e) => this.record(e));
  }

  private record(e: SdkEvent) {
    this.events.push({ ...e, ...(this.down && e.event === CbEvents.OnConnectFailed ? { tolerated: true } : {}) });
    for (const w of [...this.waiters]) w();
  }

  /** Failure events outside a deliberate outage. */
  failures(): SdkEvent[] {
    return this.events.filter((e) => FAILURES.has(e.event) && !e.tolerated);
  }

  /** The first event named `event` (whose data `predicate` accepts) not taken by an earlier next(). */
  next<T = any>(event: string, predicate: (data: T) => boolean = () => true): Promise<SdkEvent<T>> {
    return new Promise((resolve, reject) => {
      const look = () => {
        const failed = this.failures();
        if (failed.length) {
          this.waiters.delete(look);
          reject(new Error(`${this.userID} awaited ${event} but got ${describe(failed)}`));
          return;
        }
        const i = this.events.findIndex(
          (e, i) => !this.taken.has(i) && e.event === event && accepts(predicate, e.data),
        );
        if (i < 0) return;
        this.taken.add(i);
        this.waiters.delete(look);
        resolve(this.events[i]!);
      };
      this.waiters.add(look);
      look();
    });
  }

  /** Logs in and resolves once the first sync has finished. */
  async login(token = this.token): Promise<void> {
    this.token = token;
    await this.sdk.login({
      userID: this.userID,
      token,
      platformID: WEB,
      wsAddr: this.endpoint.wsUrl,
      apiAddr: this.endpoint.apiAddr,
      logLevel: LogLevel.Error,
    });
    await this.next(CbEvents.OnSyncServerFinish);
  }

  async logout(): Promise<void> {
    await this.sdk.logout();
  }

  /** Sends a text to a group (`{ groupID }`) or a user (`{ recvID }`); resolves with the sent message. */
  async sendText(to: { groupID: string } | { recvID: string }, text: string): Promise<MessageItem> {
    const { data: message } = await this.sdk.createTextMessage(text);
    const target = 'groupID' in to ? { groupID: to.groupID, recvID: '' } : { groupID: '', recvID: to.recvID };
    return (await this.sdk.sendMessage({ ...target, message })).data;
  }

  /** Awaits the live (or, after a reconnection, pulled) arrival of a text. */
  async received(text: string): Promise<MessageItem> {
    const e = await this.next<MessageItem[]>(CbEvents.OnRecvNewMessages, (ms) => ms.some((m) => textOf(m) === text));
    return e.data.find((m) => textOf(m) === text)!;
  }

  /** The texts of a conversation's newest `count` messages (notifications left out), oldest first. */
  async history(conversationID: string, count = 50): Promise<string[]> {
    const { data } = await this.sdk.getAdvancedHistoryMessageList({ conversationID, count, startClientMsgID: '' });
    return (data as AdvancedGetMessageResult).messageList.map(textOf).filter((t): t is string => t !== undefined);
  }

  async unread(): Promise<number> {
    return (await this.sdk.getTotalUnreadMsgCount()).data;
  }

  async conversations(): Promise<ConversationItem[]> {
    return (await this.sdk.getConversationListSplit({ offset: 0, count: 100 })).data;
  }

  async groups(): Promise<GroupItem[]> {
    return (await this.sdk.getJoinedGroupListPage({ offset: 0, count: 100 })).data;
  }

  async members(groupID: string): Promise<string[]> {
    const { data } = await this.sdk.getGroupMemberList({ groupID, filter: 0, offset: 0, count: 100 });
    return (data as GroupMemberItem[]).map((m) => m.userID).sort();
  }

  /** Logs out if logged in, and stops the SDK's own timers (its typing cache sweeps every 15 s). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sdk.logout().catch(() => {});
    this.sdk.messageTrigger?.typingManager?.send?.dispose();
    this.sdk.messageTrigger?.typingManager?.state?.dispose();
    open.delete(this);
    releaseWebSocket();
  }
}

/** A new client for `userID`, logged in and synced. */
export async function loginClient(endpoint: Endpoint, userID: string, token: string): Promise<SdkClient> {
  const client = new SdkClient(userID, endpoint, token);
  await client.login();
  return client;
}

/**
 * Runs `whileDown` (which stops the server and starts it again on the same ports) accepting refused
 * reconnections, then awaits each client's own reconnection and sync. The SDK retries 5 s after its
 * socket closes, so this takes at least that long whatever the server does.
 */
export async function outage(clients: SdkClient[], whileDown: () => Promise<void>): Promise<void> {
  for (const c of clients) c.down = true;
  try {
    await whileDown();
  } finally {
    for (const c of clients) c.down = false;
  }
  await Promise.all(clients.map((c) => c.next(CbEvents.OnSyncServerFinish)));
}

/** Checks every open client for failure events, then closes them all (for afterEach/afterAll). */
export async function closeClients(): Promise<void> {
  const clients = [...open];
  const failed = clients.flatMap((c) => c.failures().map((e) => `${c.userID}: ${describe([e])}`));
  await Promise.all(clients.map((c) => c.close()));
  if (failed.length) throw new Error(`SDK failure events:\n${failed.join('\n')}`);
}

/** A text message's text; undefined for anything else (notifications). */
export function textOf(m: MessageItem): string | undefined {
  return m.textElem?.content;
}

function accepts<T>(predicate: (data: T) => boolean, data: T): boolean {
  try {
    return predicate(data);
  } catch {
    return false;
  }
}

function describe(events: SdkEvent[]): string {
  return events.map((e) => `${e.event} ${e.errCode} ${e.errMsg}`).join('; ');
}
