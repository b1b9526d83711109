// The live webhook configuration: read from HUDDLE_WEBHOOKS at start-up, replaced at runtime by the
// admin API, and persisted in the database. A configuration stored through the API wins over the
// file on later starts (the log says so), so a restart never undoes a runtime change.

import type { Logger } from 'pino';
import type { Store } from '../storage/store.js';
import { defaultWebhookConfig, loadWebhookFile, parseWebhookConfig, webhookDocument, type WebhookConfig } from './config.js';

const SETTING_KEY = 'webhooks';

export type ConfigSource = 'default' | 'file' | 'api';

export class WebhookSettings {
  private listeners: ((config: WebhookConfig) => void)[] = [];

  private constructor(
    private readonly store: Store,
    private current: WebhookConfig,
    private currentSource: ConfigSource,
    private updatedAt: number,
  ) {}

  /** Throws WebhookConfigError (naming the key) when the file is bad, so start-up stops. */
  static async load(store: Store, file: string | undefined, logger: Logger): Promise<WebhookSettings> {
    let config = defaultWebhookConfig();
    let source: ConfigSource = 'default';
    if (file) {
      config = loadWebhookFile(file).config;
      source = 'file';
    }
    const stored = await store.repos.settings.get(SETTING_KEY);
    let updatedAt = 0;
    if (stored) {
      config = parseWebhookConfig(JSON.parse(stored.value));
      source = 'api';
      updatedAt = stored.updatedAt;
      if (file) logger.warn({ file, changedAt: new Date(stored.updatedAt).toISOString() }, 'using the webhook configuration saved through the admin API; HUDDLE_WEBHOOKS is not read again until it is reset');
    }
    if (config.ignoredKeys.length > 0) logger.info({ keys: config.ignoredKeys }, 'webhook configuration: ignoring callbacks huddle does not send');
    return new WebhookSettings(store, config, source, updatedAt);
  }

  get config(): WebhookConfig {
    return this.current;
  }

  get source(): ConfigSource {
    return this.currentSource;
  }

  get changedAt(): number {
    return this.updatedAt;
  }

  document(): Record<string, unknown> {
    return webhookDocument(this.current);
  }

  /** Validates, persists and applies a new configuration; throws WebhookConfigError when invalid. */
  async replace(doc: unknown, now: number): Promise<WebhookConfig> {
    const config = parseWebhookConfig(doc);
    await this.store.repos.settings.put(SETTING_KEY, JSON.stringify(webhookDocument(config)), now);
    this.apply(config, 'api', now);
    return config;
  }

  /** Picks up a configuration another instance saved (several instances share one database). */
  async refresh(): Promise<boolean> {
    const stored = await this.store.repos.settings.get(SETTING_KEY);
    if (!stored || stored.updatedAt <= this.updatedAt) return false;
    this.apply(parseWebhookConfig(JSON.parse(stored.value)), 'api', stored.updatedAt);
    return true;
  }

  onChange(listener: (config: WebhookConfig) => void): void {
    this.listeners.push(listener);
  }

  private apply(config: WebhookConfig, source: ConfigSource, at: number) {
    this.current = config;
    this.currentSource = source;
    this.updatedAt = at;
    for (const l of this.listeners) l(config);
  }
}
