// huddle delivers after-callbacks at least once: a retry after a lost answer, a replay, or a restart
// can bring an event again, always with the same webhook-id. The receiver records the answer it gave
// per webhook-id and gives it again without running the handler. Only handled events are recorded,
// so a failed one runs again on retry.

/** The answer given to one event, as recorded. */
export interface RecordedAnswer {
  status: number;
  body: Record<string, unknown>;
}

type Awaitable<T> = T | Promise<T>;

/**
 * Where answers are recorded. The in-memory store serves one process; several instances behind a
 * load balancer need a shared one (Redis SET NX EX, a database table with a unique key).
 */
export interface IdempotencyStore {
  get(id: string): Awaitable<RecordedAnswer | undefined>;
  set(id: string, answer: RecordedAnswer): Awaitable<void>;
}

export interface MemoryStoreOptions {
  /**
   * How long an answer is kept. Default 48 h: huddle's default retry schedule spans about 27.6 h.
   * Events replayed by an operator later than this run again.
   */
  ttlMs?: number;
  /** The most answers kept; the oldest go first. Default 100,000. */
  maxEntries?: number;
  now?: () => number;
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  // A Map iterates in insertion order, so its first entries are the oldest.
  private readonly entries = new Map<string, { answer: RecordedAnswer; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 48 * 3600_000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: string): RecordedAnswer | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.answer;
  }

  set(id: string, answer: RecordedAnswer): void {
    this.entries.delete(id);
    this.entries.set(id, { answer, expiresAt: this.now() + this.ttlMs });
    this.evict();
  }

  private evict(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.expiresAt > now) break;
      this.entries.delete(id);
    }
  }
}

/**
 * Runs `handle` once per id: a recorded answer is returned as it is, a duplicate arriving while the
 * first is still running shares its outcome, and only a successful answer is recorded.
 */
export class Deduplicator {
  private readonly running = new Map<string, Promise<RecordedAnswer>>();

  constructor(private readonly store: IdempotencyStore) {}

  async once(id: string, handle: () => Promise<RecordedAnswer>): Promise<RecordedAnswer> {
    const inFlight = this.running.get(id);
    if (inFlight) return inFlight;
    const run = (async () => {
      const recorded = await this.store.get(id);
      if (recorded) return recorded;
      const answer = await handle();
      if (answer.status >= 200 && answer.status < 300) await this.store.set(id, answer);
      return answer;
    })();
    this.running.set(id, run);
    try {
      return await run;
    } finally {
      this.running.delete(id);
    }
  }
}
