// Every callback is declared once, in @huddle/protocol; this keeps the README's table and the
// configuration in step with those declarations.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CALLBACK_KEYS, CALLBACKS } from '@huddle/protocol';
import { describe, expect, it } from 'vitest';
import { defaultCallbackConfig, parseCallbackConfig } from './config-file.js';

const README = fs.readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../README.md'),
  'utf8',
);

describe('hook registry', () => {
  it('has one README table row per hook, naming its key, command and phase', () => {
    for (const key of CALLBACK_KEYS) {
      const hook = CALLBACKS[key];
      const row = README.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, `README row for ${key}`).toBeDefined();
      expect(row).toContain(`\`${hook.openim.command}\``);
      expect(row).toContain(`| ${hook.phase} |`);
    }
  });

  it('declares modifiable fields for before-hooks only, and distinct commands', () => {
    for (const key of CALLBACK_KEYS) {
      const hook: { phase: string; modifiable?: unknown } = CALLBACKS[key];
      if (hook.phase === 'after') expect(hook.modifiable, key).toBeUndefined();
    }
    const commands = CALLBACK_KEYS.map((k) => CALLBACKS[k].openim.command);
    expect(new Set(commands).size).toBe(commands.length);
  });

  it('accepts every hook key in webhooks.yml and defaults them to disabled', () => {
    const doc = Object.fromEntries(CALLBACK_KEYS.map((k) => [k, { enable: true, timeout: 3 }]));
    const config = parseCallbackConfig({ url: 'http://127.0.0.1:1/cb', ...doc });
    for (const k of CALLBACK_KEYS)
      expect(config.endpoints[0]!.hooks[k]).toMatchObject({ enable: true, timeoutMs: 3000 });
    for (const k of CALLBACK_KEYS) expect(defaultCallbackConfig().endpoints[0]!.hooks[k].enable).toBe(false);
  });
});
