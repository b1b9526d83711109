// The admin-only configuration routes: read the callback configuration in force, check a document
// without saving it (every problem at once, as `huddle config check` lists them), and save one,
// which applies it at once on every instance. Only app admins may call these (1002 otherwise).

import { CALLBACK_KEYS, CALLBACKS, obj, SchemaError, view, type Schema } from '@huddle/protocol';
import { requireCallbackAdmin } from '../../domain/delivery-log.js';
import { args } from '../../errors.js';
import { CallbackConfigError, DIALECTS } from '../../callbacks/config-file.js';
import { collectProblems, problemsDetail } from '../../callbacks/config-problems.js';
import type { LiveCallbackConfig } from '../../callbacks/live-config.js';
import { route } from '../route.js';

export interface CallbackConfigDeps {
  settings: LiveCallbackConfig;
  now: () => number;
}

/** The configuration document: a JSON object, validated by the same parser as the YAML file. */
const configDocument = (): Schema<Record<string, unknown>> => ({
  parse(value, path) {
    if (value == null) throw new SchemaError(`${path} is empty`);
    if (typeof value !== 'object' || Array.isArray(value)) throw new SchemaError(`${path} must be a JSON object`);
    return value as Record<string, unknown>;
  },
  jsonSchema: () => ({
    type: 'object',
    description:
      'the webhooks.yml document as JSON (url, signingSecret, retrySchedule, deliveryConcurrency, one entry per hook: enable, timeout, failedContinue; endpoints: [{name, url, dialect, sdkAppId, token, signingSecret, hooks}]); errDlt names the offending key',
  }),
});

/** Each hook a document may configure: its phase and the dialects that have a callback for it. */
const HookInfo = view.object({
  key: view.string('the hook key, as the document names it'),
  phase: view.oneOf(['before', 'after'], 'before: may veto or rewrite the operation; after: told once it is done'),
  dialects: view.array(view.oneOf(DIALECTS, 'a dialect whose endpoints may enable it')),
});

const HOOKS = CALLBACK_KEYS.map((key) => ({
  key,
  phase: CALLBACKS[key].phase,
  dialects: DIALECTS.filter((d) => d === 'openim' || CALLBACKS[key].tencent !== undefined),
}));

/** /callback/get_config's and set_config's data: the document in force, where it came from, the hooks. */
const ConfigView = view.object({
  config: view.schemaView<Record<string, unknown>>({
    ...configDocument().jsonSchema(),
    description: 'the configuration in force, as the webhooks.yml document in JSON (what set_config takes)',
  }),
  source: view.oneOf(
    ['default', 'file', 'api'],
    'default: no HUDDLE_CALLBACKS file; file: read from it; api: saved through set_config',
  ),
  changedAt: view.integer('Unix milliseconds of the last save through set_config; 0 when never saved'),
  hooks: view.array(HookInfo),
});

const ConfigProblem = view.object({
  key: view.string(
    'the offending key, with the indexes of the document sent: endpoints[1].hooks.afterQuitGroup.timeout',
  ),
  message: view.string('what is wrong and what was expected'),
  hint: view.string('how to fix it; "" when there is nothing more to say'),
});

/** /callback/check_config's data: whether set_config would take the document, and every problem if not. */
const ConfigCheck = view.object({
  valid: view.boolean('true when set_config would take this document'),
  problems: view.array(ConfigProblem),
});

export const callbackConfigRoutes = ({ settings, now }: CallbackConfigDeps) => {
  const configView = () => ({
    config: settings.document(),
    source: settings.source,
    changedAt: settings.changedAt,
    hooks: HOOKS,
  });

  return [
    route({
      path: '/callback/get_config',
      body: obj({}),
      response: ConfigView,
      handle: async (ctx) => {
        requireCallbackAdmin(ctx.caller);
        return configView();
      },
    }),
    route({
      path: '/callback/check_config',
      body: obj({ config: configDocument() }),
      response: ConfigCheck,
      handle: async (ctx, body) => {
        requireCallbackAdmin(ctx.caller);
        const result = collectProblems(body.config);
        return 'config' in result ? { valid: true, problems: [] } : { valid: false, problems: result.problems };
      },
    }),
    route({
      path: '/callback/set_config',
      body: obj({ config: configDocument() }),
      response: ConfigView,
      handle: async (ctx, body) => {
        requireCallbackAdmin(ctx.caller);
        // Every problem in errDlt (the first one first, worded as before); check_config gives them as a list.
        const result = collectProblems(body.config);
        if ('problems' in result) throw args(problemsDetail(result.problems));
        try {
          await settings.replace(body.config, now());
        } catch (err) {
          if (err instanceof CallbackConfigError) throw args(err.message);
          throw err;
        }
        return configView();
      },
    }),
  ];
};
