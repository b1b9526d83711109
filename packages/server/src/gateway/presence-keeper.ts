// Keeps one instance's online state alive: registers the instance at start (before the gateway
// takes connections), stamps it every heartbeat, and sweeps the connections of instances that
// stopped stamping. The timers are unref'd; tests call tick() instead of waiting for them.

import type { Logger } from 'pino';
import { PRESENCE_HEARTBEAT_MS, PRESENCE_TTL_MS, type presenceService } from '../domain/presence.js';

type Presence = Pick<ReturnType<typeof presenceService>, 'register' | 'heartbeat' | 'sweep' | 'forgetInstance'>;

export interface PresenceKeeperOptions {
  presence: Presence;
  instanceID: string;
  now: () => number;
  logger: Logger;
  /** How often to stamp and sweep; default PRESENCE_HEARTBEAT_MS. */
  heartbeatMs?: number;
  /** A stamp older than this is a dead instance's; default PRESENCE_TTL_MS. */
  ttlMs?: number;
  /**
   * Told when a stamp found the instance's row gone: another instance swept it (this one stalled
   * past the TTL) and reported its connections offline. The gateway registers its live
   * connections again.
   */
  onSwept?: () => void;
}

export class PresenceKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: PresenceKeeperOptions) {}

  /** Registers the instance (see presence.register), then stamps and sweeps every heartbeat. */
  async start(): Promise<void> {
    await this.options.presence.register(this.options.instanceID);
    this.timer = setInterval(() => void this.tick(), this.options.heartbeatMs ?? PRESENCE_HEARTBEAT_MS);
    this.timer.unref();
  }

  /** One stamp and one sweep; a tick still running is joined, not doubled. */
  tick(): Promise<void> {
    this.running ??= this.stampAndSweep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the timer and forgets the instance: whatever connections it still lists go offline. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.options.presence.forgetInstance(this.options.instanceID);
  }

  private async stampAndSweep(): Promise<void> {
    const { presence, instanceID, now, logger } = this.options;
    try {
      if (!(await presence.heartbeat(instanceID, now()))) {
        logger.warn({ instanceID }, 'presence: this instance was swept as dead; registering its connections again');
        this.options.onSwept?.();
      }
      const gone = await presence.sweep(now(), this.options.ttlMs ?? PRESENCE_TTL_MS);
      if (gone.length > 0)
        logger.info({ connections: gone.length }, 'presence: swept the connections of instances that stopped');
    } catch (err) {
      // The next tick tries again; a stamp missed for a whole TTL makes the others sweep us.
      logger.warn({ err }, 'presence: heartbeat or sweep failed');
    }
  }
}
