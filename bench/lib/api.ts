// The HTTP client: an undici Pool (keep-alive, pipelining 1) sending OpenIM-style POSTs.

import { Pool } from 'undici';

export interface Envelope {
  errCode: number;
  errMsg: string;
  errDlt: string;
  data?: any;
}

export class Api {
  readonly pool: Pool;
  private op = 0;
  constructor(
    readonly url: string,
    connections: number,
  ) {
    this.pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  /** One POST; returns the HTTP status, parsed envelope (if JSON) and latency in ms. */
  async post(
    urlPath: string,
    body: string,
    token?: string,
    extraHeaders?: Record<string, string>,
  ): Promise<{ status: number; env: Envelope | undefined; ms: number; text: string }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      operationID: `bench-${++this.op}`,
      ...extraHeaders,
    };
    if (token) headers.token = token;
    const t0 = process.hrtime.bigint();
    const res = await this.pool.request({ path: urlPath, method: 'POST', headers, body });
    const text = await res.body.text();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    let env: Envelope | undefined;
    try {
      env = JSON.parse(text) as Envelope;
    } catch {
      env = undefined;
    }
    return { status: res.statusCode, env, ms, text };
  }

  /** Setup call: throws unless HTTP 200 and errCode 0. */
  async ok<T = any>(urlPath: string, body: unknown, token?: string): Promise<T> {
    const r = await this.post(urlPath, JSON.stringify(body), token);
    if (r.status !== 200 || !r.env || r.env.errCode !== 0)
      throw new Error(`${urlPath}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    return r.env.data as T;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
