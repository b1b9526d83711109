// The live callback configuration: read from HUDDLE_CALLBACKS at start-up, replaced at runtime by the
// admin API, and persisted in the database. A configuration stored through the API wins over the
// file on later starts (the log says so), so a restart never undoes a runtime change.
//
// Several instances sharing one database: the stored row is the truth. `refresh()` applies it
// whenever it differs from what this instance runs (not only when its timestamp is newer: clocks of
// different machines disagree), and the app calls it when another instance signals a save and on a
// timer, so every instance converges on the last configuration saved anywhere.

import { CALLBACK_KEYS } from '@huddle/protocol';
import type { Logger } from 'pino';
import type { Store } from '../storage/store.js';
import {
  activeEndpoints,
  defaultCallbackConfig,
  ignoredHooks,
  loadCallbackFile,
  parseCallbackConfig,
  callbackDocument,
  type CallbackConfig,
} from './config-file.js';

const SETTING_KEY = 'webhooks';

export type ConfigSource = 'default' | 'file' | 'api';

/** At start-up: where the callback configuration came from, and each endpoint that sends. */
function logLoaded(logger: Logger, config: CallbackConfig, from: string): void {
  const endpoints = activeEndpoints(config).map((e) => ({
    name: e.name,
    dialect: e.dialect,
    url: e.url,
    hooks: CALLBACK_KEYS.filter((k) => e.hooks[k].enable),
  }));
  if (!from && endpoints.length === 0) {
    logger.info('no callbacks configured (HUDDLE_CALLBACKS names a webhooks.yml)');
    return;
  }
  const list = endpoints.map((e) => `${e.name} (${e.dialect}, ${e.hooks.length} hooks) -> ${e.url}`).join('; ');
  logger.info(
    { from, endpoints },
    `callbacks from ${from || 'defaults'}: ${endpoints.length ? list : 'no endpoint with a url, nothing is sent'}`,
  );
}

export class LiveCallbackConfig {
  private listeners: ((config: CallbackConfig) => void)[] = [];
  private savedListeners: (() => void)[] = [];
  /** Counts the changes applied here, so a refresh that read before a local save never undoes it. */
  private generation = 0;

  private constructor(
    private readonly store: Store,
    private current: CallbackConfig,
    private currentSource: ConfigSource,
    private updatedAt: number,
    /** The stored row this instance runs ('' when it runs the file or the default). */
    private storedValue: string,
  ) {}

  /** Throws CallbackConfigError (naming the key) when the file is bad, so start-up stops. */
  static async load(store: Store, file: string | undefined, logger: Logger): Promise<LiveCallbackConfig> {
    let config = defaultCallbackConfig();
    let source: ConfigSource = 'default';
    if (file) {
      config = loadCallbackFile(file).config;
      source = 'file';
    }
    const stored = await store.repos.settings.get(SETTING_KEY);
    let updatedAt = 0;
    let storedValue = '';
    if (stored) {
      storedValue = stored.value;
      config = parseCallbackConfig(JSON.parse(stored.value));
      source = 'api';
      updatedAt = stored.updatedAt;
      if (file)
        logger.warn(
          { file, changedAt: new Date(stored.updatedAt).toISOString() },
          'using the callback configuration saved through the admin API; HUDDLE_CALLBACKS is not read again until it is reset',
        );
    }
    logLoaded(logger, config, source === 'api' ? 'the admin API (saved in the database)' : (file ?? ''));
    // An enabled hook huddle never sends is a business server waiting in vain: warn.
    const { enabled, off } = ignoredHooks(config);
    if (enabled.length > 0)
      logger.warn({ keys: enabled }, 'callback configuration: enabled callbacks huddle does not send');
    if (off.length > 0) logger.info({ keys: off }, 'callback configuration: ignoring callbacks huddle does not send');
    return new LiveCallbackConfig(store, config, source, updatedAt, storedValue);
  }

  get config(): CallbackConfig {
    return this.current;
  }

  get source(): ConfigSource {
    return this.currentSource;
  }

  get changedAt(): number {
    return this.updatedAt;
  }

  document(): Record<string, unknown> {
    return callbackDocument(this.current);
  }

  /** Validates, persists and applies a new configuration; throws CallbackConfigError when invalid. */
  async replace(doc: unknown, now: number): Promise<CallbackConfig> {
    const config = parseCallbackConfig(doc);
    const value = JSON.stringify(callbackDocument(config));
    await this.store.repos.settings.put(SETTING_KEY, value, now);
    this.apply(config, 'api', now, value);
    for (const l of this.savedListeners) l();
    return config;
  }

  /**
   * Picks up a configuration another instance saved (several instances share one database): applies
   * the stored one when it differs from the one running here. Returns whether it changed anything.
   */
  async refresh(): Promise<boolean> {
    const generation = this.generation;
    const stored = await this.store.repos.settings.get(SETTING_KEY);
    // A save here while we read: ours is at least as new as what we read.
    if (generation !== this.generation) return false;
    if (!stored || (stored.value === this.storedValue && stored.updatedAt === this.updatedAt)) return false;
    // Validated when it was saved; should it not parse, this throws and the running one stays.
    this.apply(parseCallbackConfig(JSON.parse(stored.value)), 'api', stored.updatedAt, stored.value);
    return true;
  }

  /** Told of every change applied here: saved here, or picked up by refresh(). */
  onChange(listener: (config: CallbackConfig) => void): void {
    this.listeners.push(listener);
  }

  /** Told after this instance saved a configuration (so the others can be signalled). */
  onSaved(listener: () => void): void {
    this.savedListeners.push(listener);
  }

  private apply(config: CallbackConfig, source: ConfigSource, at: number, storedValue: string) {
    this.current = config;
    this.currentSource = source;
    this.updatedAt = at;
    this.storedValue = storedValue;
    this.generation++;
    for (const l of this.listeners) l(config);
  }
}
