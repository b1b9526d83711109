// HUDDLE_CALLBACKS: OpenIM's own config/webhooks.yml works unchanged (and its older nested
// `callback:` form), huddle's keys are accepted, and a bad file stops start-up with a message
// naming the key: checked on the parser, on an in-process server, and on the real process.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CALLBACK_KEYS, CALLBACKS, type CallbackKey } from '@huddle/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../src/server-config.js';
import {
  callbackDocument,
  DEFAULT_DELIVERY_CONCURRENCY,
  DEFAULT_RETRY_SCHEDULE_MS,
  loadCallbackFile,
  parseCallbackConfig,
  readCallbackDocument,
  CallbackConfigError,
} from '../src/callbacks/config-file.js';
import { startServer } from './harness.js';
import { writeWebhooksYaml } from './receiver.js';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-whcfg-'));
  dirs.push(d);
  return d;
}

function writeFile(text: string, name = 'webhooks.yml'): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, text);
  return file;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * open-im-server's config/webhooks.yml (main, v3.8.x): a top-level `url`, then every callback with
 * enable / timeout (seconds) / failedContinue (before-hooks), and the message hooks' attentionIds,
 * allowedTypes and deniedTypes. Reconstructed from openim-group-spec.md §5.1 and the upstream file,
 * including its quirks: `beforeAddBlack` has an empty `failedContinue:`, and the conversation
 * after-hooks carry a failedContinue. Comments are the file's own kind, not its words.
 */
const OPENIM_WEBHOOKS_YML = `url: http://127.0.0.1:10006/callbackExample
beforeSendSingleMsg:
  enable: false
  timeout: 5
  failedContinue: true
  # Content types listed here (single values or ranges such as 200-500) are the only ones sent.
  allowedTypes: []
  # Content types listed here are never sent.
  deniedTypes: []
beforeUpdateUserInfoEx:
  enable:  false
  timeout: 5
  failedContinue: true
afterUpdateUserInfoEx:
  enable:  false
  timeout: 5
afterSendSingleMsg:
  enable: false
  timeout: 5
  # Only these senders/receivers are sent; empty means everyone.
  attentionIds: []
  allowedTypes: []
  deniedTypes: []
beforeSendGroupMsg:
  enable: false
  timeout: 5
  failedContinue: true
  allowedTypes: []
  deniedTypes: []
beforeMsgModify:
  enable: false
  timeout: 5
  failedContinue: true
  allowedTypes: []
  deniedTypes: []
afterSendGroupMsg:
  enable: false
  timeout: 5
  attentionIds: []
  allowedTypes: []
  deniedTypes: []
afterMsgSaveDB:
  enable: false
  timeout: 5
afterUserOnline:
  enable: false
  timeout: 5
afterUserOffline:
  enable: false
  timeout: 5
afterUserKickOff:
  enable: false
  timeout: 5
beforeOfflinePush:
  enable: false
  timeout: 5
  failedContinue: true
beforeOnlinePush:
  enable: false
  timeout: 5
  failedContinue: true
beforeGroupOnlinePush:
  enable: false
  timeout: 5
  failedContinue: true
beforeAddFriend:
  enable: false
  timeout: 5
  failedContinue: true
beforeUpdateUserInfo:
  enable: false
  timeout: 5
  failedContinue: true
afterUpdateUserInfo:
  enable: false
  timeout: 5
beforeCreateGroup:
  enable: false
  timeout: 5
  failedContinue: true
afterCreateGroup:
  enable: false
  timeout: 5
beforeMemberJoinGroup:
  enable: false
  timeout: 5
  failedContinue: true
beforeSetGroupMemberInfo:
  enable: false
  timeout: 5
  failedContinue: true
afterSetGroupMemberInfo:
  enable: false
  timeout: 5
afterQuitGroup:
  enable: false
  timeout: 5
afterKickGroupMember:
  enable: false
  timeout: 5
afterDismissGroup:
  enable: false
  timeout: 5
beforeApplyJoinGroup:
  enable: false
  timeout: 5
  failedContinue: true
afterGroupMsgRead:
  enable: false
  timeout: 5
afterSingleMsgRead:
  enable: false
  timeout: 5
beforeUserRegister:
  enable: false
  timeout: 5
  failedContinue: true
afterUserRegister:
  enable: false
  timeout: 5
afterTransferGroupOwner:
  enable: false
  timeout: 5
beforeSetFriendRemark:
  enable: false
  timeout: 5
  failedContinue: true
afterSetFriendRemark:
  enable: false
  timeout: 5
afterGroupMsgRevoke:
  enable: false
  timeout: 5
afterJoinGroup:
  enable: false
  timeout: 5
beforeInviteUserToGroup:
  enable: false
  timeout: 5
  failedContinue: true
afterSetGroupInfo:
  enable: false
  timeout: 5
beforeSetGroupInfo:
  enable: false
  timeout: 5
  failedContinue: true
afterSetGroupInfoEx:
  enable: false
  timeout: 5
beforeSetGroupInfoEx:
  enable: false
  timeout: 5
  failedContinue: true
afterRevokeMsg:
  enable: false
  timeout: 5
beforeAddBlack:
  enable: false
  timeout: 5
  failedContinue:
afterAddFriend:
  enable: false
  timeout: 5
beforeAddFriendAgree:
  enable: false
  timeout: 5
  failedContinue: true
afterAddFriendAgree:
  enable: false
  timeout: 5
afterDeleteFriend:
  enable: false
  timeout: 5
beforeImportFriends:
  enable: false
  timeout: 5
  failedContinue: true
afterImportFriends:
  enable: false
  timeout: 5
afterRemoveBlack:
  enable: false
  timeout: 5
beforeCreateSingleChatConversations:
  enable: false
  timeout: 5
  failedContinue: false
afterCreateSingleChatConversations:
  enable: false
  timeout: 5
  failedContinue: false
beforeCreateGroupChatConversations:
  enable: false
  timeout: 5
  failedContinue: false
afterCreateGroupChatConversations:
  enable: false
  timeout: 5
  failedContinue: false
`;

/** The group keys of OpenIM's file (§5.1): every hook huddle sends except the seed-only afterMemberJoinGroup. */
// The seed's afterMemberJoinGroup and huddle's afterGroupFull are not in OpenIM's file.
const OPENIM_GROUP_KEYS = CALLBACK_KEYS.filter((k) => k !== 'afterMemberJoinGroup' && k !== 'afterGroupFull');

/** OpenIM ≤ 3.6: everything nested under `callback:` (the v3.5/3.6 key names for some group hooks). */
const OPENIM_NESTED_YML = `callback:
  url: "http://127.0.0.1:10008/callbackExample"
  beforeSendSingleMsg:
    enable: false
    timeout: 5
    failedContinue: true
  afterSendSingleMsg:
    enable: false
    timeout: 5
    failedContinue: true
  beforeCreateGroup:
    enable: true
    timeout: 5
    failedContinue: true
  afterCreateGroup:
    enable: true
    timeout: 5
    failedContinue: true
  beforeMemberJoinGroup:
    enable: false
    timeout: 5
    failedContinue: true
  beforeSetGroupMemberInfo:
    enable: true
    timeout: 3
    failedContinue: false
  afterSetGroupMemberInfo:
    enable: false
    timeout: 5
    failedContinue: true
  quitGroup:
    enable: false
    timeout: 5
    failedContinue: true
  killGroupMember:
    enable: false
    timeout: 5
    failedContinue: true
  dismissGroup:
    enable: false
    timeout: 5
    failedContinue: true
  joinGroup:
    enable: false
    timeout: 5
    failedContinue: true
  transferGroupOwner:
    enable: false
    timeout: 5
    failedContinue: true
  afterJoinGroup:
    enable: false
    timeout: 5
    failedContinue: true
  beforeInviteUserToGroup:
    enable: false
    timeout: 5
    failedContinue: true
  setGroupInfoBefore:
    enable: false
    timeout: 5
    failedContinue: true
`;

const parseText = (text: string) => parseCallbackConfig(parseYaml(text));

/** The CallbackConfigError a document raises (fails the test when it raises none). */
function configError(doc: unknown): CallbackConfigError {
  try {
    parseCallbackConfig(doc);
  } catch (err) {
    expect(err).toBeInstanceOf(CallbackConfigError);
    return err as CallbackConfigError;
  }
  throw new Error(`expected a CallbackConfigError for ${JSON.stringify(doc)}`);
}

describe("OpenIM's config/webhooks.yml, unchanged", () => {
  it('names every group, user, message and connection hook huddle sends, under the same keys', () => {
    const doc = parseYaml(OPENIM_WEBHOOKS_YML) as Record<string, unknown>;
    for (const key of OPENIM_GROUP_KEYS) expect(Object.keys(doc), key).toContain(key);
    // §5.1's list, verbatim.
    expect([...OPENIM_GROUP_KEYS].sort()).toEqual(
      [
        'beforeCreateGroup',
        'afterCreateGroup',
        'beforeMemberJoinGroup',
        'beforeSetGroupMemberInfo',
        'afterSetGroupMemberInfo',
        'afterQuitGroup',
        'afterKickGroupMember',
        'afterDismissGroup',
        'beforeApplyJoinGroup',
        'afterTransferGroupOwner',
        'afterJoinGroup',
        'beforeInviteUserToGroup',
        'afterSetGroupInfo',
        'beforeSetGroupInfo',
        'afterSetGroupInfoEx',
        'beforeSetGroupInfoEx',
        // openim-message-callbacks.md §1's user keys.
        'beforeUserRegister',
        'afterUserRegister',
        'beforeUpdateUserInfo',
        'afterUpdateUserInfo',
        'beforeUpdateUserInfoEx',
        'afterUpdateUserInfoEx',
        // openim-message-callbacks.md §1's message keys.
        'beforeSendSingleMsg',
        'afterSendSingleMsg',
        'beforeSendGroupMsg',
        'afterSendGroupMsg',
        'beforeMsgModify',
        'afterMsgSaveDB',
        'afterGroupMsgRead',
        'afterSingleMsgRead',
        // §1's connection keys.
        'afterUserOnline',
        'afterUserOffline',
        'afterUserKickOff',
      ].sort(),
    );
  });

  it('parses: url, every group hook off with a 5 s timeout, other callbacks ignored', () => {
    const config = parseText(OPENIM_WEBHOOKS_YML);
    expect(config.endpoints[0]!.url).toBe('http://127.0.0.1:10006/callbackExample');
    for (const key of CALLBACK_KEYS) {
      // The message hooks also carry OpenIM's filters, empty as in the file.
      const filter = CALLBACKS[key].messageFilter;
      expect(config.endpoints[0]!.hooks[key], key).toEqual({
        enable: false,
        timeoutMs: 5_000,
        failedContinue: true,
        ...(filter ? { deniedTypes: [] } : {}),
        ...(filter?.attention ? { attentionIds: [] } : {}),
      });
    }
    expect(config.endpoints[0]!.signingSecret).toBeUndefined();
    expect(config.retrySchedule).toEqual(DEFAULT_RETRY_SCHEDULE_MS);
    expect(config.deliveryConcurrency).toBe(DEFAULT_DELIVERY_CONCURRENCY);
    const doc = parseYaml(OPENIM_WEBHOOKS_YML) as Record<string, unknown>;
    const others = Object.keys(doc).filter((k) => k !== 'url' && !Object.hasOwn(CALLBACKS, k));
    expect(config.ignoredKeys.sort()).toEqual(others.sort());
    expect(config.ignoredKeys).toEqual(
      expect.arrayContaining([
        'afterRevokeMsg',
        'beforeOfflinePush',
        'beforeAddBlack',
        'afterCreateGroupChatConversations',
      ]),
    );
  });

  it('takes the switches and timeouts a deployment sets in it', () => {
    const text = OPENIM_WEBHOOKS_YML.replace(
      'url: http://127.0.0.1:10006/callbackExample',
      'url: https://biz.example.com/openim/callback',
    )
      .replace('afterQuitGroup:\n  enable: false\n  timeout: 5', 'afterQuitGroup:\n  enable: true\n  timeout: 2')
      .replace(
        'beforeSetGroupMemberInfo:\n  enable: false\n  timeout: 5\n  failedContinue: true',
        'beforeSetGroupMemberInfo:\n  enable: true\n  timeout: 30\n  failedContinue: false',
      );
    const config = parseText(text);
    expect(config.endpoints[0]!.url).toBe('https://biz.example.com/openim/callback');
    expect(config.endpoints[0]!.hooks.afterQuitGroup).toEqual({ enable: true, timeoutMs: 2_000, failedContinue: true });
    // No hidden 15 s cap (OpenIM's shared client stops every call at 15 s).
    expect(config.endpoints[0]!.hooks.beforeSetGroupMemberInfo).toEqual({
      enable: true,
      timeoutMs: 30_000,
      failedContinue: false,
    });
    expect(config.endpoints[0]!.hooks.afterCreateGroup.enable).toBe(false);
  });

  it('starts a server from HUDDLE_CALLBACKS', async () => {
    const file = writeFile(OPENIM_WEBHOOKS_YML);
    const s = await startServer({ dir: tempDir(), env: { HUDDLE_CALLBACKS: file } });
    try {
      expect(s.app.callbackConfig.source).toBe('file');
      expect(s.app.callbackConfig.config.endpoints[0]!.url).toBe('http://127.0.0.1:10006/callbackExample');
      expect(s.app.callbackConfig.config.endpoints[0]!.hooks.beforeCreateGroup).toEqual({
        enable: false,
        timeoutMs: 5_000,
        failedContinue: true,
      });
      // The server serves as usual.
      expect(
        (await s.client.post('/auth/get_admin_token', { secret: s.app.secret.secret, userID: 'imAdmin' })).errCode,
      ).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe("OpenIM's older nested `callback:` format", () => {
  it('parses: url and the group hooks it shares with the current format', () => {
    const config = parseText(OPENIM_NESTED_YML);
    expect(config.endpoints[0]!.url).toBe('http://127.0.0.1:10008/callbackExample');
    expect(config.endpoints[0]!.hooks.beforeCreateGroup).toEqual({
      enable: true,
      timeoutMs: 5_000,
      failedContinue: true,
    });
    expect(config.endpoints[0]!.hooks.afterCreateGroup.enable).toBe(true);
    expect(config.endpoints[0]!.hooks.beforeSetGroupMemberInfo).toEqual({
      enable: true,
      timeoutMs: 3_000,
      failedContinue: false,
    });
    expect(config.endpoints[0]!.hooks.afterQuitGroup.enable).toBe(false);
  });

  it('starts a server', async () => {
    const s = await startServer({ dir: tempDir(), env: { HUDDLE_CALLBACKS: writeFile(OPENIM_NESTED_YML) } });
    try {
      expect(s.app.callbackConfig.config.endpoints[0]!.url).toBe('http://127.0.0.1:10008/callbackExample');
      expect(s.app.callbackConfig.config.endpoints[0]!.hooks.afterCreateGroup.enable).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('reports a bad value inside `callback:` by its key', () => {
    expect(
      configError(parseYaml('callback:\n  url: http://x.example\n  afterQuitGroup:\n    enable: sometimes\n')).key,
    ).toBe('afterQuitGroup.enable');
  });
});

describe("huddle's own keys", () => {
  it('accepts signingSecret, retrySchedule as durations, deliveryConcurrency beside the OpenIM keys', () => {
    const secret = newSecret();
    const config = parseText(
      `signingSecret: ${secret}\nretrySchedule: [5s, 5m, 30m, 2h]\ndeliveryConcurrency: 128\n${OPENIM_WEBHOOKS_YML}`,
    );
    expect(config.endpoints[0]!.signingSecret).toBe(secret);
    expect(config.retrySchedule).toEqual([5_000, 300_000, 1_800_000, 7_200_000]);
    expect(config.deliveryConcurrency).toBe(128);
    expect(config.endpoints[0]!.url).toBe('http://127.0.0.1:10006/callbackExample');
    expect(config.ignoredKeys).not.toContain('signingSecret');
  });

  it('takes paused (top level and per endpoint), and writes it back only when true', () => {
    const config = parseText(
      'url: http://x.example\npaused: true\nendpoints:\n  - name: audit\n    url: http://y.example\n    paused: false',
    );
    expect(config.endpoints.map((e) => e.paused)).toEqual([true, false]);
    const doc = callbackDocument(config);
    expect(doc.paused).toBe(true);
    expect((doc.endpoints as Record<string, unknown>[])[0]).not.toHaveProperty('paused');
    expect(parseText('url: http://x.example').endpoints[0]!.paused).toBe(false);
  });

  it('accepts retrySchedule in seconds, and the other duration units', () => {
    expect(parseText('retrySchedule: [5, 300, 1800, 7200]').retrySchedule).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000,
    ]);
    expect(parseText('retrySchedule: [250ms, 1.5s, "10 m", 1d, 0.5]').retrySchedule).toEqual([
      250, 1_500, 600_000, 86_400_000, 500,
    ]);
    expect(parseText('retrySchedule: []').retrySchedule).toEqual([]);
  });

  it('treats an empty signingSecret as none, and an empty file as the defaults', () => {
    expect(parseText('url: http://x.example\nsigningSecret: ""').endpoints[0]!.signingSecret).toBeUndefined();
    expect(parseText('url: http://x.example\nsigningSecret:').endpoints[0]!.signingSecret).toBeUndefined();
    const empty = parseText('');
    expect(empty.endpoints[0]!.url).toBe('');
    expect(empty.retrySchedule).toEqual(DEFAULT_RETRY_SCHEDULE_MS);
    expect(empty.endpoints[0]!.hooks.afterQuitGroup.enable).toBe(false);
  });

  it('has defaults of at least 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h and a concurrency of at least 64', () => {
    const minimum = [5, 300, 1800, 7200, 18000, 36000, 36000].map((s) => s * 1000);
    expect(DEFAULT_RETRY_SCHEDULE_MS.length).toBeGreaterThanOrEqual(minimum.length);
    minimum.forEach((ms, i) => expect(DEFAULT_RETRY_SCHEDULE_MS[i]).toBeGreaterThanOrEqual(ms));
    expect(DEFAULT_DELIVERY_CONCURRENCY).toBeGreaterThanOrEqual(64);
  });

  it('starts a server with them (written by writeWebhooksYaml)', async () => {
    const dir = tempDir();
    const secret = newSecret();
    const file = writeWebhooksYaml(dir, {
      url: 'http://127.0.0.1:9/callbackExample',
      hooks: {
        afterQuitGroup: { enable: true, timeout: 1 },
        beforeSetGroupInfo: { enable: true, timeout: 2, failedContinue: false },
      },
      signingSecret: secret,
      retrySchedule: ['5s', '5m', '30m', '2h'],
      deliveryConcurrency: 16,
    });
    const s = await startServer({ dir, env: { HUDDLE_CALLBACKS: file } });
    try {
      const c = s.app.callbackConfig.config;
      expect(c.endpoints[0]!.signingSecret).toBe(secret);
      expect(c.retrySchedule).toEqual([5_000, 300_000, 1_800_000, 7_200_000]);
      expect(c.deliveryConcurrency).toBe(16);
      expect(c.endpoints[0]!.hooks.afterQuitGroup).toEqual({ enable: true, timeoutMs: 1_000, failedContinue: true });
      expect(c.endpoints[0]!.hooks.beforeSetGroupInfo).toEqual({
        enable: true,
        timeoutMs: 2_000,
        failedContinue: false,
      });
    } finally {
      await s.close();
    }
  });
});

describe('a bad file names the key', () => {
  const valid = () => parseYaml(OPENIM_WEBHOOKS_YML) as Record<string, any>;
  const withHook = (key: CallbackKey, entry: unknown) => ({ ...valid(), [key]: entry });

  it.each([
    [
      'enable: yes (a string in YAML 1.2)',
      withHook('afterQuitGroup', parseYaml('enable: yes\ntimeout: 5')),
      'afterQuitGroup.enable',
    ],
    ['enable: "true"', withHook('afterQuitGroup', { enable: 'true', timeout: 5 }), 'afterQuitGroup.enable'],
    ['enable: 1', withHook('afterCreateGroup', { enable: 1 }), 'afterCreateGroup.enable'],
    [
      'failedContinue: a string',
      withHook('beforeSetGroupMemberInfo', { enable: true, failedContinue: 'no' }),
      'beforeSetGroupMemberInfo.failedContinue',
    ],
    [
      'a negative timeout',
      withHook('beforeSetGroupMemberInfo', { enable: true, timeout: -1 }),
      'beforeSetGroupMemberInfo.timeout',
    ],
    [
      'a timeout that is not a duration',
      withHook('afterQuitGroup', { timeout: 'ten seconds' }),
      'afterQuitGroup.timeout',
    ],
    ['a timeout over an hour', withHook('afterQuitGroup', { timeout: 7200 }), 'afterQuitGroup.timeout'],
    ['an unknown key in a hook', withHook('afterQuitGroup', { enable: true, enabled: true }), 'afterQuitGroup.enabled'],
    ['a hook that is not a mapping', withHook('afterQuitGroup', true), 'afterQuitGroup'],
    ['an unknown top-level key', { ...valid(), callbackUrl: 'http://x.example' }, 'callbackUrl'],
    ['an unknown top-level mapping', { ...valid(), afterQuitGroupp: { enable: true, retries: 3 } }, 'afterQuitGroupp'],
    ['url not a string', { ...valid(), url: 42 }, 'url'],
    ['paused not a boolean', { ...valid(), paused: 'yes' }, 'paused'],
    ['url not http(s)', { ...valid(), url: 'ftp://biz.example.com/cb' }, 'url'],
    [
      'signingSecret without whsec_',
      { ...valid(), signingSecret: randomBytes(32).toString('base64') },
      'signingSecret',
    ],
    [
      'signingSecret too short',
      { ...valid(), signingSecret: `whsec_${randomBytes(8).toString('base64')}` },
      'signingSecret',
    ],
    [
      'signingSecret not base64',
      { ...valid(), signingSecret: 'whsec_not*base64*at*all*not*base64*at*all' },
      'signingSecret',
    ],
    ['signingSecret not a string', { ...valid(), signingSecret: 12345 }, 'signingSecret'],
    ['retrySchedule not a list', { ...valid(), retrySchedule: '5s' }, 'retrySchedule'],
    ['a bad duration in retrySchedule', { ...valid(), retrySchedule: ['5s', 'soon'] }, 'retrySchedule[1]'],
    ['a negative delay in retrySchedule', { ...valid(), retrySchedule: [-5] }, 'retrySchedule[0]'],
    ['a duration with an unknown unit', { ...valid(), retrySchedule: ['5w'] }, 'retrySchedule[0]'],
    ['deliveryConcurrency 0', { ...valid(), deliveryConcurrency: 0 }, 'deliveryConcurrency'],
    ['deliveryConcurrency not an integer', { ...valid(), deliveryConcurrency: 1.5 }, 'deliveryConcurrency'],
    ['deliveryConcurrency a string', { ...valid(), deliveryConcurrency: 'many' }, 'deliveryConcurrency'],
    ['a list at the top level', ['url', 'http://x.example'], '(top level)'],
    ['a string at the top level', 'url: http://x.example', '(top level)'],
  ])('%s', (_what, doc, key) => {
    const err = configError(doc);
    expect(err.key).toBe(key);
    expect(err.message).toContain(`: ${key}: `);
  });

  it('refuses a file that is not YAML, and a missing file, naming HUDDLE_CALLBACKS and the path', () => {
    const bad = writeFile('url: "http://x.example\nafterQuitGroup: [\n');
    expect(() => loadCallbackFile(bad)).toThrow(CallbackConfigError);
    expect(() => loadCallbackFile(bad)).toThrow(/HUDDLE_CALLBACKS: .*webhooks\.yml is not valid YAML/);
    const missing = path.join(tempDir(), 'nope.yml');
    expect(() => loadCallbackFile(missing)).toThrow(`HUDDLE_CALLBACKS: cannot read ${missing}: ENOENT`);
    expect(() => loadCallbackFile(tempDir())).toThrow(/HUDDLE_CALLBACKS: cannot read .*: EISDIR/);
  });

  it('reads a file into its document without validating it; only an unreadable file or bad YAML throws, as loadCallbackFile does', () => {
    const invalid = writeFile('url: ftp://x.example\nafterQuitGrup: {enable: true}\n');
    expect(readCallbackDocument(invalid)).toEqual({ url: 'ftp://x.example', afterQuitGrup: { enable: true } });
    expect(() => loadCallbackFile(invalid)).toThrow(/: url: /);
    const valid = writeFile('url: http://x.example\nafterQuitGroup: {enable: true}\n');
    expect(loadCallbackFile(valid).document).toEqual(readCallbackDocument(valid));
    const bad = writeFile('url: "http://x.example\nafterQuitGroup: [\n');
    const missing = path.join(tempDir(), 'nope.yml');
    for (const file of [bad, missing, tempDir()]) {
      const read = (() => {
        try {
          readCallbackDocument(file);
        } catch (err) {
          return err;
        }
      })();
      expect(read).toBeInstanceOf(CallbackConfigError);
      expect((read as CallbackConfigError).key).toBe('HUDDLE_CALLBACKS');
      expect(() => loadCallbackFile(file)).toThrow((read as Error).message);
    }
  });

  it('stops an in-process start-up with a CallbackConfigError', async () => {
    const file = writeFile('url: http://x.example\nafterQuitGroup:\n  enable: yes\n');
    await expect(startServer({ dir: tempDir(), env: { HUDDLE_CALLBACKS: file } })).rejects.toThrow(
      /afterQuitGroup\.enable/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The real process, as `npm start` runs it.

function run(env: Record<string, string>): {
  output: () => string;
  exit: Promise<number | null>;
  kill: (s: NodeJS.Signals) => void;
} {
  const dir = tempDir();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      HUDDLE_PORT: '0',
      HUDDLE_GATEWAY_PORT: '0',
      HUDDLE_HOST: '127.0.0.1',
      HUDDLE_DATABASE: path.join(dir, 'huddle.db'),
      HUDDLE_SECRET: 'process-secret-0123456789',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { output: () => out, exit, kill: (s) => child.kill(s) };
}

async function until(predicate: () => boolean, what: string, ms = 90_000) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the process', () => {
  it("starts with OpenIM's webhooks.yml and stops cleanly", async () => {
    const proc = run({ HUDDLE_CALLBACKS: writeFile(OPENIM_WEBHOOKS_YML) });
    const exited = proc.exit.then((code) => ({ code }));
    await Promise.race([
      until(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(proc.output()), 'the listening line'),
      exited.then(({ code }) => {
        throw new Error(`exited with ${code}: ${proc.output()}`);
      }),
    ]);
    proc.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
  });

  it('exits 2 naming the key when a hook has the wrong type', async () => {
    const proc = run({
      HUDDLE_CALLBACKS: writeFile(
        OPENIM_WEBHOOKS_YML.replace('afterQuitGroup:\n  enable: false', 'afterQuitGroup:\n  enable: yes'),
      ),
    });
    expect(await proc.exit).toBe(2);
    expect(proc.output()).toContain('callback configuration: afterQuitGroup.enable: expected true or false, got "yes"');
    expect(proc.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 2 naming signingSecret, without echoing the bad secret', async () => {
    const bad = `whsec_${randomBytes(8).toString('base64')}`;
    const proc = run({ HUDDLE_CALLBACKS: writeFile(`signingSecret: ${bad}\n${OPENIM_WEBHOOKS_YML}`) });
    expect(await proc.exit).toBe(2);
    expect(proc.output()).toContain('callback configuration: signingSecret: ');
    expect(proc.output()).not.toContain(bad);
  });

  it('exits 2 naming HUDDLE_CALLBACKS when the file is not YAML or is missing', async () => {
    const notYaml = writeFile('url: "http://x.example\nafterQuitGroup: [\n');
    const missing = path.join(tempDir(), 'missing.yml');
    const [a, b] = [run({ HUDDLE_CALLBACKS: notYaml }), run({ HUDDLE_CALLBACKS: missing })];
    expect(await a.exit).toBe(2);
    expect(a.output()).toContain(`callback configuration: HUDDLE_CALLBACKS: ${notYaml} is not valid YAML`);
    expect(await b.exit).toBe(2);
    expect(b.output()).toContain(`callback configuration: HUDDLE_CALLBACKS: cannot read ${missing}: ENOENT`);
  });
});

describe('OpenIM leniencies and typos', () => {
  it('refuses a misspelt group hook instead of silently ignoring it', () => {
    expect(() => parseCallbackConfig({ url: 'http://127.0.0.1:1/cb', afterQuitGrop: { enable: true } })).toThrow(
      /afterQuitGrop: unknown key \(did you mean afterQuitGroup\?\)/,
    );
  });

  it('maps the older format’s hook names to the current keys', () => {
    const config = parseCallbackConfig({
      callback: {
        url: 'http://127.0.0.1:1/cb',
        quitGroup: { enable: true },
        setGroupInfoBefore: { enable: true, failedContinue: false },
      },
    });
    expect(config.endpoints[0]!.hooks.afterQuitGroup.enable).toBe(true);
    expect(config.endpoints[0]!.hooks.beforeSetGroupInfo).toMatchObject({ enable: true, failedContinue: false });
  });

  it('reads timeout 0 as OpenIM’s effective 15 s and an empty field as its default', () => {
    const config = parseCallbackConfig({
      url: '',
      afterCreateGroup: { enable: true, timeout: 0 },
      beforeCreateGroup: { enable: true, failedContinue: null },
    });
    expect(config.endpoints[0]!.hooks.afterCreateGroup.timeoutMs).toBe(15_000);
    expect(config.endpoints[0]!.hooks.beforeCreateGroup.failedContinue).toBe(true);
  });
});

describe('the setting that names the file', () => {
  it('is HUDDLE_CALLBACKS, and HUDDLE_WEBHOOKS (its earlier name) is still read', () => {
    expect(loadConfig({ HUDDLE_CALLBACKS: '/etc/huddle/callbacks.yml' }).callbacksFile).toBe(
      '/etc/huddle/callbacks.yml',
    );
    expect(loadConfig({ HUDDLE_WEBHOOKS: '/etc/huddle/webhooks.yml' }).callbacksFile).toBe('/etc/huddle/webhooks.yml');
    expect(loadConfig({ HUDDLE_CALLBACKS: '/a.yml', HUDDLE_WEBHOOKS: '/b.yml' }).callbacksFile).toBe('/a.yml');
    expect(loadConfig({}).callbacksFile).toBeUndefined();
  });
});
