// OpenIM's wasm SDK (@openim/wasm-client-sdk: the Go core compiled to WebAssembly) in Debian's
// Chromium, driven by playwright-core: the page in wasm-page/ and the SDK's files are served from a
// node:http server on 127.0.0.1; the browser starts once per test file and every user gets a browser
// context of their own (their own IndexedDB, where the SDK keeps its SQLite database) with one page.
//
//   const browser = await startWasmBrowser();
//   const alice = await browser.open('alice');
//   await alice.login({ token, wsAddr: server.wsUrl, apiAddr: server.client.url });
//   const group = await alice.call('createGroup', { ... });
//   await alice.event('OnRecvNewMessages', (e) => ...);
//
// Anything that means the SDK is unhappy is a problem, and fails every wait at once and the test's
// check: an OnSyncServerFailed event, an ERROR line of the Go core's log (it logs a failed REST call
// or notification there and carries on, so a missing event would be the only other sign), an
// uncaught page error, or a console error.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const PAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wasm-page');
const SDK_LIB = path.dirname(createRequire(import.meta.url).resolve('@openim/wasm-client-sdk'));
const SDK_ASSETS = path.join(SDK_LIB, '..', 'assets');

/** Echo the pages' console to stdout (HUDDLE_WASM_CONSOLE=1), with the Go core's debug log, to see what the SDK does. */
const ECHO_CONSOLE = process.env.HUDDLE_WASM_CONSOLE === '1';

/** The Go core's log level (LogLevel in the SDK): Debug when echoing, else Error, so only its errors are printed. */
const GO_LOG_LEVEL = ECHO_CONSOLE ? 5 : 2;

/** A line of the Go core's log at level ERROR: `2026-12-02 09:19:58.177\tERROR\t…`, colored. */
const GO_ERROR = /^\d{4}-\d\d-\d\d [\d:.]+\s+ERROR\s/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the Go core colors its log with ANSI escapes.
const ANSI = /\x1b\[[0-9;]*m/g;

/** What the SDK emits: `{event, errCode, errMsg, data, operationID}`, data parsed from JSON when it is JSON. */
export interface SdkEvent<T = any> {
  event: string;
  errCode: number;
  errMsg: string;
  data: T;
  operationID?: string;
}

/** A failed SDK call, with the error code and message the SDK reported. */
export class SdkError extends Error {
  constructor(
    readonly method: string,
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(`${method} failed: ${errCode} ${errMsg}`);
  }
}

export interface LoginParams {
  token: string;
  wsAddr: string;
  apiAddr: string;
  /** Default 5 (Web). */
  platformID?: number;
}

export interface WasmUser {
  readonly userID: string;
  readonly page: Page;
  /** Every event this user's SDK emitted, in order. */
  readonly events: SdkEvent[];
  /** Logs in and waits until the SDK is connected and has finished its first sync. */
  login(params: LoginParams): Promise<void>;
  /** Runs an SDK method (`sdk[method](...args)`) and resolves with the response's `data`; rejects with SdkError. */
  call<T = any>(method: string, ...args: unknown[]): Promise<T>;
  /** The number of events so far: pass it to event() to wait only for what comes after. */
  mark(): number;
  /**
   * Accepts the console errors and Go core ERROR log lines that match from now on: what a step means
   * to fail (a rejected message, a lookup in a group the user just left, a server going away).
   */
  allowErrors(match: RegExp): void;
  /** The first `name` event from index `since` on that `match` accepts, as soon as it is emitted. */
  event<T = any>(name: string, match?: (e: SdkEvent<T>) => boolean, since?: number): Promise<SdkEvent<T>>;
}

export interface WasmBrowser {
  /** The page's origin (the browser's `Origin` header on REST and WebSocket requests). */
  readonly origin: string;
  /** A fresh browser context and page for this user, with the SDK's module loaded (the wasm starts on login). */
  open(userID: string): Promise<WasmUser>;
  /** What went wrong in any page since the last call (empty when the SDKs were content); clears the list. */
  takeProblems(): string[];
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The URL path → file table of the page's server: the page, the SDK's lib/, and its wasm assets at the root. */
function resolveFile(urlPath: string): string | undefined {
  if (urlPath === '/' || urlPath === '/index.html') return path.join(PAGE_DIR, 'index.html');
  if (urlPath === '/page.js') return path.join(PAGE_DIR, 'page.js');
  if (['/openIM.wasm', '/sql-wasm.wasm', '/wasm_exec.js'].includes(urlPath)) return path.join(SDK_ASSETS, urlPath);
  if (urlPath.startsWith('/lib/')) {
    const file = path.join(SDK_LIB, path.normalize(urlPath.slice('/lib/'.length)));
    return file.startsWith(SDK_LIB + path.sep) ? file : undefined;
  }
  return undefined;
}

/** Serves the page and the SDK's files; the SDK checks ETag and Last-Modified (HEAD) before using its cached wasm. */
async function servePage(): Promise<http.Server> {
  const cache = new Map<string, { body: Buffer; etag: string; modified: string }>();
  const server = http.createServer((req, res) => {
    const file = resolveFile(new URL(req.url ?? '/', 'http://x').pathname);
    if (!file || !fs.existsSync(file) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end();
      return;
    }
    let entry = cache.get(file);
    if (!entry) {
      const stat = fs.statSync(file);
      entry = {
        body: fs.readFileSync(file),
        etag: `"${stat.size}-${stat.mtimeMs}"`,
        modified: stat.mtime.toUTCString(),
      };
      cache.set(file, entry);
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': entry.body.length,
      etag: entry.etag,
      'last-modified': entry.modified,
    });
    res.end(req.method === 'HEAD' ? undefined : entry.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

interface Waiter {
  name: string;
  match: (e: SdkEvent) => boolean;
  since: number;
  resolve: (e: SdkEvent) => void;
  reject: (err: Error) => void;
}

export async function startWasmBrowser(): Promise<WasmBrowser> {
  const server = await servePage();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  } catch (err) {
    server.close();
    throw err;
  }
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const users: { fail: (problem: string) => void }[] = [];
  const problem = (what: string) => {
    problems.push(what);
    for (const u of users) u.fail(what);
  };

  async function open(userID: string): Promise<WasmUser> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const events: SdkEvent[] = [];
    const allowed: RegExp[] = [];
    let waiters: Waiter[] = [];

    const settle = () => {
      waiters = waiters.filter((w) => {
        const found = events.slice(w.since).find((e) => e.event === w.name && w.match(e));
        if (!found) return true;
        w.resolve(found);
        return false;
      });
    };
    users.push({
      fail(what) {
        for (const w of waiters) w.reject(new Error(`${userID}: waiting for ${w.name}, but ${what}`));
        waiters = [];
      },
    });

    await page.exposeBinding('huddleEvent', (_source, e: SdkEvent) => {
      events.push(e);
      if (e.event === 'OnSyncServerFailed') problem(`${userID}: OnSyncServerFailed ${JSON.stringify(e)}`);
      settle();
    });
    page.on('console', (msg: ConsoleMessage) => {
      if (ECHO_CONSOLE) console.log(`[${userID} ${msg.type()}${msg.worker() ? ' worker' : ''}] ${msg.text()}`);
      const text = msg.text().replace(ANSI, '');
      if (allowed.some((re) => re.test(text))) return;
      if (msg.type() === 'error') problem(`${userID}: console error${msg.worker() ? ' (worker)' : ''}: ${text}`);
      else if (GO_ERROR.test(text)) problem(`${userID}: the Go core logged an error: ${text.slice(0, 2000)}`);
    });
    page.on('pageerror', (err) => problem(`${userID}: page error: ${err.stack ?? err.message}`));
    page.on('crash', () => problem(`${userID}: the page crashed`));

    await page.goto(`${origin}/`);
    await page.waitForFunction('window.huddle');

    const call = async <T>(method: string, ...args: unknown[]): Promise<T> => {
      // Runs in the page, where globalThis is its window.
      const r = await page.evaluate(([m, a]) => (globalThis as any).huddle.call(m, a), [method, args] as const);
      if (!r.ok) throw new SdkError(method, r.error?.errCode ?? -1, r.error?.errMsg ?? JSON.stringify(r.error));
      return r.value?.data as T;
    };

    const event = <T>(name: string, match: (e: SdkEvent<T>) => boolean = () => true, since = 0) =>
      new Promise<SdkEvent<T>>((resolve, reject) => {
        // A problem before the wait began (say, during the call that should cause the event) fails it too.
        if (problems.length > 0) {
          reject(new Error(`${userID}: waiting for ${name}, but ${problems[0]}`));
          return;
        }
        // No time bound: the suite's test timeout ends a wait that never ends (an SDK that hangs).
        waiters.push({ name, match: match as (e: SdkEvent) => boolean, since, resolve, reject });
        settle();
      });

    return {
      userID,
      page,
      events,
      call,
      event,
      mark: () => events.length,
      allowErrors: (match) => allowed.push(match),
      async login({ token, wsAddr, apiAddr, platformID = 5 }) {
        const from = events.length;
        await Promise.all([
          call('login', {
            userID,
            token,
            platformID,
            wsAddr,
            apiAddr,
            isLogStandardOutput: true,
            logLevel: GO_LOG_LEVEL,
          }),
          event('OnConnectSuccess', undefined, from),
          event('OnSyncServerFinish', undefined, from),
        ]);
      },
    };
  }

  return {
    origin,
    open,
    takeProblems: () => problems.splice(0),
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
