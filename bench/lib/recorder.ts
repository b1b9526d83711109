// What one phase's calls did: per-call latencies (per path), completed operations, and every error.

import type { Api } from './api.js';

export interface ErrorKind {
  kind: string;
  count: number;
  sample: string;
}

export class Recorder {
  measuring = false;
  ops = 0;
  calls = 0;
  readonly lat: number[] = [];
  readonly opLat: number[] = [];
  readonly pathLat = new Map<string, number[]>();
  errorCount = 0;
  readonly errors = new Map<string, { count: number; sample: string }>();
  constructor(readonly api: Api) {}

  /**
   * One measured call. Returns data on HTTP 200 + errCode 0 (+ check passing); otherwise records
   * the error (during warm-up too: an error is never silently skipped) and returns undefined.
   */
  async call(
    urlPath: string,
    body: string,
    token?: string,
    check?: (data: any) => string | undefined,
    headers?: Record<string, string>,
    via: Api = this.api,
  ): Promise<any> {
    let r: Awaited<ReturnType<Api['post']>>;
    try {
      r = await via.post(urlPath, body, token, headers);
    } catch (err) {
      this.error(`${urlPath} transport ${(err as Error).name}`, String((err as Error).message));
      return undefined;
    }
    if (this.measuring) {
      this.calls++;
      this.lat.push(r.ms);
      let l = this.pathLat.get(urlPath);
      if (!l) this.pathLat.set(urlPath, (l = []));
      l.push(r.ms);
    }
    if (r.status !== 200 || !r.env || r.env.errCode !== 0) {
      this.error(`${urlPath} HTTP ${r.status} errCode ${r.env?.errCode ?? '-'}`, r.text.slice(0, 300));
      return undefined;
    }
    const problem = check?.(r.env.data);
    if (problem) {
      this.error(`${urlPath} bad data: ${problem}`, r.text.slice(0, 300));
      return undefined;
    }
    return r.env.data ?? {};
  }

  error(key: string, sample: string): void {
    this.errorCount++;
    const e = this.errors.get(key);
    if (e) e.count++;
    else this.errors.set(key, { count: 1, sample });
  }

  /** Every kind of error with its count and first sample, for the results. */
  errorKinds(): ErrorKind[] {
    return [...this.errors].map(([kind, e]) => ({ kind, count: e.count, sample: e.sample }));
  }
}
