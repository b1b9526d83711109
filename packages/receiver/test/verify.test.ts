// Verification in the Standard Webhooks test style: a valid signed request is accepted, then each
// test breaks exactly one thing and expects the refusal's stable code, with no handler run.

import { CALLBACKS, sign } from '@huddle/protocol';
import { Webhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createReceiver,
  ReceiverError,
  verifyStandardWebhook,
  verifyTencent,
  type CallbackRequest,
  type Receiver,
} from '../src/index.js';
import {
  newID,
  nowSeconds,
  openimRequest,
  OTHER_SECRET,
  SDK_APP_ID,
  SECRET,
  tencentRequest,
  TOKEN,
  withoutHeader,
  withQuery,
} from './requests.js';

const CREATE = CALLBACKS.afterCreateGroup.openim.command;
const TC_CREATE = CALLBACKS.afterCreateGroup.tencent!.command;

let receiver: Receiver;
let handled: string[];
let refusals: unknown[];

function build(options: Partial<Parameters<typeof createReceiver>[0]> = {}) {
  handled = [];
  refusals = [];
  receiver = createReceiver({
    openim: { signingSecret: SECRET },
    tencent: { sdkAppId: SDK_APP_ID, token: TOKEN, signingSecret: SECRET },
    onError: (err) => refusals.push(err),
    ...options,
  });
  receiver.on('afterCreateGroup', (event) => {
    handled.push(`${event.dialect}:${event.id}`);
  });
}

beforeEach(() => build());

async function expectRefused(request: CallbackRequest, code: string, status = 401) {
  const res = await receiver.handle(request);
  expect({ status: res.status, code: JSON.parse(res.body).error }).toEqual({ status, code });
  expect(handled).toEqual([]);
  expect(refusals).toHaveLength(1);
  expect(refusals[0]).toBeInstanceOf(ReceiverError);
  expect((refusals[0] as ReceiverError).code).toBe(code);
}

async function expectAccepted(request: CallbackRequest) {
  const res = await receiver.handle(request);
  expect(res.status).toBe(200);
  expect(handled).toHaveLength(1);
}

describe('Standard Webhooks signatures', () => {
  it('accepts a valid request, and hands the verified webhook-id to the handler', async () => {
    const req = openimRequest(CREATE, { groupID: 'g1' }, { id: 'evt_1' });
    const res = await receiver.handle(req);
    expect(res).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"actionCode":0,"errCode":0,"errMsg":"","errDlt":"","nextCode":0}',
    });
    expect(handled).toEqual(['openim:evt_1']);
  });

  it('accepts what the standardwebhooks library signs', async () => {
    const body = JSON.stringify({ callbackCommand: CREATE, groupID: 'g1' });
    const id = newID();
    const at = new Date();
    const signature = new Webhook(SECRET).sign(id, at, body);
    await expectAccepted({
      method: 'POST',
      url: `/cb/${CREATE}`,
      headers: {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
    });
  });

  for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    it(`refuses a request without ${header}`, async () => {
      await expectRefused(withoutHeader(openimRequest(CREATE), header), 'missing_header');
    });
  }

  it('refuses a timestamp more than 5 minutes old', async () => {
    await expectRefused(openimRequest(CREATE, {}, { timestamp: nowSeconds() - 301 }), 'timestamp_too_old');
  });

  it('refuses a timestamp more than 5 minutes ahead', async () => {
    await expectRefused(openimRequest(CREATE, {}, { timestamp: nowSeconds() + 301 }), 'timestamp_too_new');
  });

  it('accepts a timestamp just inside the tolerance', async () => {
    await expectAccepted(openimRequest(CREATE, {}, { timestamp: nowSeconds() - 290 }));
  });

  it('refuses a timestamp that is not a number of seconds', async () => {
    const req = openimRequest(CREATE);
    await expectRefused(
      { ...req, headers: { ...req.headers, 'webhook-timestamp': `${req.headers['webhook-timestamp']}.5` } },
      'invalid_timestamp',
    );
  });

  it('refuses a body changed by one character', async () => {
    const req = openimRequest(CREATE, { groupID: 'g1' });
    await expectRefused({ ...req, body: req.body.replace('g1', 'g2') }, 'bad_signature');
  });

  it('refuses a changed webhook-id', async () => {
    const req = openimRequest(CREATE);
    await expectRefused({ ...req, headers: { ...req.headers, 'webhook-id': newID() } }, 'bad_signature');
  });

  it('refuses a changed timestamp, even a fresh one', async () => {
    const req = openimRequest(CREATE, {}, { timestamp: nowSeconds() - 10 });
    await expectRefused(
      { ...req, headers: { ...req.headers, 'webhook-timestamp': String(nowSeconds()) } },
      'bad_signature',
    );
  });

  it('refuses a signature made with another secret', async () => {
    await expectRefused(openimRequest(CREATE, {}, { secret: OTHER_SECRET }), 'bad_signature');
  });

  it('refuses a signature of another length, and one of another version', async () => {
    await expectRefused(openimRequest(CREATE, {}, { signature: 'v1,c2hvcnQ=' }), 'bad_signature');
    build();
    const id = newID();
    const t = nowSeconds();
    const body = JSON.stringify({ callbackCommand: CREATE });
    await expectRefused(
      openimRequest(CREATE, {}, { id, timestamp: t, signature: sign(SECRET, id, t, body).replace('v1,', 'v1a,') }),
      'bad_signature',
    );
  });

  it('accepts when any one of several signatures matches (the sender rotating its secret)', async () => {
    const id = newID();
    const t = nowSeconds();
    const body = JSON.stringify({ callbackCommand: CREATE });
    const signature = `${sign(OTHER_SECRET, id, t, body)} v1,bm90IGEgc2lnbmF0dXJl ${sign(SECRET, id, t, body)}`;
    await expectAccepted(openimRequest(CREATE, {}, { id, timestamp: t, signature }));
  });

  it('accepts a signature by any of its secrets (the receiver rotating), and refuses others', async () => {
    build({ openim: { signingSecret: [OTHER_SECRET, SECRET] } });
    await expectAccepted(openimRequest(CREATE));
    build({ openim: { signingSecret: [OTHER_SECRET] } });
    await expectRefused(openimRequest(CREATE), 'bad_signature');
  });

  it('accepts unsigned requests only when told to (signingSecret: false)', async () => {
    const unsigned = withoutHeader(openimRequest(CREATE), 'webhook-signature');
    await expectRefused(unsigned, 'missing_header');
    build({ openim: { signingSecret: false } });
    await expectAccepted(unsigned);
  });

  it('verifyStandardWebhook is usable on its own', () => {
    const req = openimRequest(CREATE, {}, { id: 'evt_42', timestamp: 1700000000 });
    expect(
      verifyStandardWebhook({ headers: req.headers, body: req.body, secrets: [SECRET], nowSeconds: 1700000100 }),
    ).toEqual({ id: 'evt_42', timestamp: 1700000000 });
    expect(() =>
      verifyStandardWebhook({ headers: req.headers, body: req.body, secrets: [SECRET], nowSeconds: 1700000400 }),
    ).toThrow(expect.objectContaining({ code: 'timestamp_too_old' }));
  });
});

describe("Tencent's SdkAppid, Sign and RequestTime", () => {
  it('accepts a valid request', async () => {
    await expectAccepted(tencentRequest(TC_CREATE, { GroupId: 'g1' }));
    expect(handled[0]).toMatch(/^tencent:evt_/);
  });

  it('refuses another app', async () => {
    await expectRefused(tencentRequest(TC_CREATE, {}, { sdkAppId: '1400000001' }), 'wrong_app');
  });

  for (const name of ['SdkAppid', 'Sign', 'RequestTime']) {
    it(`refuses a request without ${name}`, async () => {
      await expectRefused(withQuery(tencentRequest(TC_CREATE), name), 'missing_parameter');
    });
  }

  it('refuses a RequestTime more than 60 s old, or ahead', async () => {
    await expectRefused(tencentRequest(TC_CREATE, {}, { requestTime: nowSeconds() - 61 }), 'timestamp_too_old');
    build();
    await expectRefused(tencentRequest(TC_CREATE, {}, { requestTime: nowSeconds() + 61 }), 'timestamp_too_new');
  });

  it('refuses a Sign made with another token', async () => {
    await expectRefused(tencentRequest(TC_CREATE, {}, { token: 'xxxxyyyz' }), 'bad_signature');
  });

  it('refuses a RequestTime changed after signing', async () => {
    const req = tencentRequest(TC_CREATE, {}, { requestTime: nowSeconds() - 5 });
    await expectRefused(withQuery(req, 'RequestTime', String(nowSeconds())), 'bad_signature');
  });

  it("matches Tencent's published example", () => {
    const query = new URLSearchParams({
      SdkAppid: SDK_APP_ID,
      Sign: '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
      RequestTime: '1669872112',
    });
    expect(() => verifyTencent(query, { sdkAppId: SDK_APP_ID, token: 'xxxxyyyy' }, 1669872150)).not.toThrow();
    expect(() => verifyTencent(query, { sdkAppId: SDK_APP_ID, token: 'xxxyyy' }, 1669872150)).toThrow(
      expect.objectContaining({ code: 'bad_signature' }),
    );
  });

  it('accepts the Sign in upper case', () => {
    const query = new URLSearchParams({
      SdkAppid: SDK_APP_ID,
      Sign: '17773BC39A671D7B9AA835458704D2A6DB81360A5940292B587D6D760D484061',
      RequestTime: '1669872112',
    });
    expect(() => verifyTencent(query, { sdkAppId: SDK_APP_ID, token: 'xxxxyyyy' }, 1669872150)).not.toThrow();
  });

  it('checks only SdkAppid when the endpoint has no token (token: false)', async () => {
    build({ tencent: { sdkAppId: SDK_APP_ID, token: false, signingSecret: SECRET } });
    await expectAccepted(withQuery(withQuery(tencentRequest(TC_CREATE), 'Sign'), 'RequestTime'));
  });

  it('also checks the Standard Webhooks signature when given a signing secret', async () => {
    const req = tencentRequest(TC_CREATE, { GroupId: 'g1' });
    await expectRefused({ ...req, body: req.body.replace('g1', 'g2') }, 'bad_signature');
  });

  it('refuses a CallbackCommand that differs between the URL and the body', async () => {
    const req = tencentRequest(TC_CREATE);
    await expectRefused(
      withQuery(req, 'CallbackCommand', 'Group.CallbackAfterGroupDestroyed'),
      'command_mismatch',
      400,
    );
  });
});

describe('requests that are not callbacks', () => {
  it('refuses a dialect the receiver was not configured for', async () => {
    build({ tencent: undefined });
    await expectRefused(tencentRequest(TC_CREATE), 'dialect_not_enabled', 404);
  });

  it('refuses methods other than POST', async () => {
    await expectRefused({ ...openimRequest(CREATE), method: 'GET' }, 'method_not_allowed', 405);
  });

  it('refuses a signed body that is not a JSON object', async () => {
    const id = newID();
    const t = nowSeconds();
    await expectRefused(
      { ...openimRequest(CREATE, {}, { id, timestamp: t, signature: sign(SECRET, id, t, '[1]') }), body: '[1]' },
      'bad_body',
      400,
    );
  });

  it('refuses an OpenIM path naming another command than the body', async () => {
    const req = openimRequest(CREATE);
    await expectRefused(
      { ...req, url: req.url.replace(CREATE, CALLBACKS.afterQuitGroup.openim.command) },
      'command_mismatch',
      400,
    );
  });

  it('refuses a configuration that would verify nothing by accident', () => {
    expect(() => createReceiver({})).toThrow(/openim or tencent/);
    expect(() => createReceiver({ openim: { signingSecret: process.env.HUDDLE_UNSET_SECRET as string } })).toThrow(
      /signingSecret is required/,
    );
    expect(() => createReceiver({ openim: { signingSecret: 'secret' } })).toThrow(/whsec_/);
    expect(() => createReceiver({ tencent: { sdkAppId: SDK_APP_ID, token: '' } })).toThrow(/token is required/);
  });
});
