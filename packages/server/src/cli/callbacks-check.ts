// `huddle config check FILE`: validates a callbacks file with the parser the server uses at start-up
// (and /callback/set_config at runtime), explains every error (key, what was expected, a hint), and
// summarises a valid file: its endpoints and the hooks each one enables.

import { CALLBACK_KEYS } from '@huddle/protocol';
import type { Command } from 'commander';
import {
  ignoredHooks,
  readCallbackDocument,
  CallbackConfigError,
  type CallbackConfig,
} from '../callbacks/config-file.js';
import { collectProblems, problemOf, type ConfigProblem } from '../callbacks/config-problems.js';
import { CliError } from './errors.js';
import { print, printJson, renderTable } from './output.js';

/** The file read once: an unreadable file or bad YAML is its one problem; otherwise every error in the document. */
function check(file: string): { config: CallbackConfig } | { problems: ConfigProblem[] } {
  let document: unknown;
  try {
    document = readCallbackDocument(file);
  } catch (err) {
    if (!(err instanceof CallbackConfigError)) throw err;
    return { problems: [problemOf(err, '(file)')] };
  }
  return collectProblems(document);
}

export function configSummary(config: CallbackConfig) {
  return {
    endpoints: config.endpoints.map((e) => ({
      name: e.name,
      dialect: e.dialect,
      url: e.url,
      signed: e.signingSecret !== undefined,
      enabledHooks: CALLBACK_KEYS.filter((k) => e.hooks[k].enable),
    })),
    retrySchedule: config.retrySchedule.map((ms) => ms / 1000),
    deliveryConcurrency: config.deliveryConcurrency,
    ignoredKeys: config.ignoredKeys,
    /** Those of ignoredKeys that say `enable: true`: a warning. */
    enabledNotSent: config.ignoredEnabledKeys,
  };
}

function printSummary(
  file: string,
  summary: ReturnType<typeof configSummary>,
  ignored: ReturnType<typeof ignoredHooks>,
): void {
  print(`${file} is valid.\n`);
  print(
    renderTable(summary.endpoints, [
      { header: 'endpoint', value: (e) => e.name },
      { header: 'dialect', value: (e) => e.dialect },
      { header: 'url', value: (e) => e.url || '(none: sends nothing)', max: 60 },
      { header: 'signed', value: (e) => (e.signed ? 'yes' : 'no') },
      { header: 'enabled hooks', value: (e) => (e.enabledHooks.length ? e.enabledHooks.join(', ') : '—'), max: 1000 },
    ]),
  );
  print(
    `\nretrySchedule: ${summary.retrySchedule.map((s) => `${s}s`).join(', ') || '(none: dead after one failed attempt)'}`,
  );
  print(`deliveryConcurrency: ${summary.deliveryConcurrency}`);
  if (ignored.enabled.length)
    print(`warning: enabled, but huddle never sends them (no such callback): ${ignored.enabled.join(', ')}`);
  if (ignored.off.length) print(`ignored (OpenIM hooks huddle does not send): ${ignored.off.join(', ')}`);
}

function printProblems(file: string, problems: ConfigProblem[]): void {
  print(`${file}: ${problems.length} error${problems.length === 1 ? '' : 's'}`);
  for (const p of problems) {
    print(`\n  ${p.key}\n    ${p.message}`);
    if (p.hint) print(`    hint: ${p.hint}`);
  }
}

export function addConfigCommand(program: Command): void {
  const config = program.command('config').description('callback configuration files');
  config
    .command('check')
    .description(
      'validate a callbacks file as the server would, explain each error, and summarise the endpoints and enabled hooks (exit code 2 when invalid)',
    )
    .argument('<file>', 'the webhooks.yml to check')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const result = check(file);
      if ('config' in result) {
        const summary = configSummary(result.config);
        if (opts.json) printJson({ valid: true, file, ...summary });
        else printSummary(file, summary, ignoredHooks(result.config));
        return;
      }
      if (opts.json) printJson({ valid: false, file, errors: result.problems });
      else printProblems(file, result.problems);
      throw new CliError('', 2);
    });
}
