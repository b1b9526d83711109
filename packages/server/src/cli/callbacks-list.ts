// `huddle callbacks list`: every callback huddle sends, from the hook declarations: key, phase, OpenIM
// command, Tencent command, and, given a configuration (a file, or the running server's), whether
// each endpoint has it on.

import { CALLBACK_KEYS, CALLBACKS } from '@huddle/protocol';
import type { Command } from 'commander';
import {
  isActive,
  loadCallbackFile,
  parseCallbackConfig,
  CallbackConfigError,
  type CallbackConfig,
} from '../callbacks/config-file.js';
import { addServerOptions, AdminClient, type ServerOptions } from './admin-client.js';
import { usageError } from './errors.js';
import { note, print, printJson, renderTable, type Column } from './output.js';

interface HookRow {
  key: string;
  phase: string;
  openimCommand: string;
  tencentCommand: string | null;
  fires: string;
  /** Per endpoint: on when the hook is enabled and the endpoint has a URL (else nothing is sent). */
  enabled?: Record<string, boolean>;
}

async function configFrom(opts: ServerOptions & { config?: string }): Promise<CallbackConfig | undefined> {
  if (opts.config) {
    try {
      return loadCallbackFile(opts.config).config;
    } catch (err) {
      if (err instanceof CallbackConfigError)
        throw usageError(`${opts.config}: ${err.message} (huddle config check explains it)`);
      throw err;
    }
  }
  if (opts.url === undefined && opts.secret === undefined && !process.env.HUDDLE_URL) return undefined;
  const client = await AdminClient.connect(opts);
  const { config } = await client.call<{ config: unknown }>('/callback/get_config', {});
  return parseCallbackConfig(config);
}

export function hookRows(config: CallbackConfig | undefined): HookRow[] {
  return CALLBACK_KEYS.map((key) => {
    const hook = CALLBACKS[key];
    const row: HookRow = {
      key,
      phase: hook.phase,
      openimCommand: hook.openim.command,
      tencentCommand: hook.tencent?.command ?? null,
      fires: hook.fires,
    };
    if (config)
      row.enabled = Object.fromEntries(config.endpoints.map((e) => [e.name, isActive(e) && e.hooks[key].enable]));
    return row;
  });
}

export function addCallbacksListCommand(hooks: Command): void {
  const cmd = hooks
    .command('list')
    .description(
      'every callback: key, phase, OpenIM and Tencent commands, and which endpoints enable it (with --config, or --url for a running server)',
    )
    .option('--config <file>', 'a callbacks file to read which hooks each endpoint enables')
    .option('--json', 'print JSON');
  addServerOptions(cmd).action(async (opts: ServerOptions & { config?: string; json?: boolean }) => {
    const config = await configFrom(opts);
    const rows = hookRows(config);
    if (opts.json) return printJson(rows);
    const columns: Column<HookRow>[] = [
      { header: 'hook', value: (r) => r.key },
      { header: 'phase', value: (r) => r.phase },
      { header: 'openim command', value: (r) => r.openimCommand },
      { header: 'tencent command', value: (r) => r.tencentCommand ?? '—' },
    ];
    for (const e of config?.endpoints ?? []) {
      columns.push({
        header: isActive(e) ? e.name : `${e.name} (no url)`,
        value: (r) => (r.enabled?.[e.name] ? 'on' : 'off'),
      });
    }
    print(renderTable(rows, columns));
    if (!config) note('\n(which endpoints enable each hook: --config FILE, or --url for a running huddle)');
  });
}
