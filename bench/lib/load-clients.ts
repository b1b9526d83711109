// The gateway scenarios' load clients: LOAD_PROCESSES children running bench/gateway-load.ts, each
// holding its share of the connections, driven over IPC (one request, one answer, matched by id).

import { type Child, startChild, stopChild } from './children.js';
import { tmpPath } from './workdir.js';

/** A connection to open: its user, token, gateway URL, the tag its latencies go under, the conversations it checks. */
export interface ConnSpec {
  userID: string;
  token: string;
  url: string;
  tag: number;
  convs: string[];
}

export interface SenderReport {
  groupID: string;
  acked: number;
  done: number;
  unfinished: number;
  errors: number;
  errorSample: string;
  first: number;
  last: number;
}

export interface Checks {
  checked: number;
  lost: number;
  dups: number;
  gaps: number;
  wrongStart: number;
}

class LoadProcess {
  private nextID = 0;
  private readonly waiting = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();

  constructor(readonly child: Child) {
    child.proc.on('message', (m: { id: number; ok: boolean; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve(m);
      else w?.reject(new Error(`${child.name}: ${m.error}`));
    });
    // A send to a process that died (EPIPE) fails its calls instead of the whole run.
    child.proc.on('error', (err) => {
      for (const w of this.waiting.values()) w.reject(new Error(`${child.name}: ${err.message}`));
      this.waiting.clear();
    });
    child.proc.once('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`${child.name} exited (${code})`));
      this.waiting.clear();
    });
  }

  call<T = Record<string, never>>(t: string, body: object = {}): Promise<T> {
    const id = ++this.nextID;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.proc.send({ id, t, ...body });
    });
  }
}

export class LoadClients {
  private constructor(readonly processes: LoadProcess[]) {}

  static start(count: number, label: string): LoadClients {
    return new LoadClients(
      Array.from(
        { length: count },
        (_, i) =>
          new LoadProcess(
            startChild(`${label}-${i}`, 'bench/gateway-load.ts', {}, tmpPath(`${label}-${i}.log`), [], [], true),
          ),
      ),
    );
  }

  get pids(): number[] {
    return this.processes.map((p) => p.child.proc.pid!);
  }

  /** Opens the connections, spread evenly (connection i to process i mod count). */
  async connect(specs: ConnSpec[]): Promise<void> {
    const n = this.processes.length;
    await Promise.all(this.processes.map((p, i) => p.call('connect', { conns: specs.filter((_, j) => j % n === i) })));
  }

  /** Each process's senders start: closed loop with `window` messages each, or (window 0) one every intervalMs. */
  async start(senders: { userID: string; groupID: string }[], window: number, intervalMs = 0): Promise<void> {
    await Promise.all(this.processes.map((p) => p.call('start', { senders, window, intervalMs })));
  }

  async stop(): Promise<SenderReport[]> {
    const r = await Promise.all(this.processes.map((p) => p.call<{ senders: SenderReport[] }>('stop')));
    return r.flatMap((x) => x.senders);
  }

  all(t: 'begin' | 'close'): Promise<unknown> {
    return Promise.all(this.processes.map((p) => p.call(t)));
  }

  measure(on: boolean): Promise<unknown> {
    return Promise.all(this.processes.map((p) => p.call('measure', { on })));
  }

  /** Pushes received and messages done (answered and pushed back to their sender) so far, over every process. */
  async count(): Promise<{ delivered: number; done: number }> {
    const r = await Promise.all(this.processes.map((p) => p.call<{ delivered: number; done: number }>('count')));
    return r.reduce((a, b) => ({ delivered: a.delivered + b.delivered, done: a.done + b.done }), {
      delivered: 0,
      done: 0,
    });
  }

  async collect(expect: Record<string, { min: number; max: number }>): Promise<Checks> {
    const r = await Promise.all(this.processes.map((p) => p.call<Checks>('collect', { expect })));
    return r.reduce((a, b) => ({
      checked: a.checked + b.checked,
      lost: a.lost + b.lost,
      dups: a.dups + b.dups,
      gaps: a.gaps + b.gaps,
      wrongStart: a.wrongStart + b.wrongStart,
    }));
  }

  /** The latencies measured, by tag, and per message (conversation#seq) the latest receipt's. */
  async latencies(): Promise<{ byTag: number[][]; lastReceipt: Map<string, number> }> {
    const r = await Promise.all(
      this.processes.map((p) => p.call<{ latencies: number[][]; lastReceipt: [string, number][] }>('latencies')),
    );
    const byTag: number[][] = [];
    const lastReceipt = new Map<string, number>();
    for (const x of r) {
      x.latencies.forEach((l, tag) => {
        const into = (byTag[tag] ??= []);
        for (const ms of l ?? []) into.push(ms);
      });
      for (const [k, ms] of x.lastReceipt) if ((lastReceipt.get(k) ?? -1) < ms) lastReceipt.set(k, ms);
    }
    return { byTag, lastReceipt };
  }

  async stopAll(): Promise<void> {
    await this.all('close').catch(() => {});
    await Promise.all(this.processes.map((p) => stopChild(p.child)));
  }
}
