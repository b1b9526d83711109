// Tencent's verdict rules read a business server's body as data: whatever fields it carries, a
// 200 answer is never mistaken for one of huddle's own failures.

import { describe, expect, it } from 'vitest';
import {
  CALLBACKS,
  isTencentCustomDeny,
  isTencentDelivered,
  readTencentAnswer,
  TENCENT_DENIED_CODE,
  tencentSignMatches,
} from '../index.js';

describe('Tencent answers that look like huddle failures', () => {
  it('reads a 200 body with kind "fail" and a cause by its ErrorCode', () => {
    const body = JSON.stringify({ kind: 'fail', cause: 'x', ErrorCode: 1, ErrorInfo: 'no' });
    expect(readTencentAnswer(200, body)).toEqual({
      kind: 'reject',
      errCode: TENCENT_DENIED_CODE,
      errMsg: 'no',
      errDlt: '',
      custom: false,
    });
    expect(readTencentAnswer(200, JSON.stringify({ kind: 'fail', cause: 'data', reason: 'r' }))).toEqual({
      kind: 'allow',
      modification: undefined,
    });
  });

  it('counts a 200 body with kind "fail" and a cause as delivered', () => {
    expect(isTencentDelivered(200, '{"kind":"fail","cause":"x"}')).toEqual({ ok: true, note: '' });
  });

  it('fails a non-2xx answer, delivers a 2xx whose body is not a JSON object (noting it), and fails such a before-answer', () => {
    expect(isTencentDelivered(500, '{}')).toEqual({ ok: false, reason: 'HTTP 500' });
    expect(isTencentDelivered(200, 'nope')).toEqual({ ok: true, note: 'response body is not JSON' });
    expect(isTencentDelivered(204, '')).toEqual({ ok: true, note: '' });
    expect(readTencentAnswer(200, '[]')).toEqual({
      kind: 'fail',
      cause: 'data',
      reason: 'response body is not a JSON object',
    });
  });
});

describe('tencentSignMatches', () => {
  // Tencent's documented example: token xxxxyyyy, RequestTime 1669872112.
  const SIGN = '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061';

  it('matches the Sign of the token and RequestTime, given as seconds or text', () => {
    expect(tencentSignMatches('xxxxyyyy', 1669872112, SIGN)).toBe(true);
    expect(tencentSignMatches('xxxxyyyy', '1669872112', SIGN)).toBe(true);
  });

  it('refuses another token, another time, a shorter Sign and another case', () => {
    expect(tencentSignMatches('xxxxyyyz', 1669872112, SIGN)).toBe(false);
    expect(tencentSignMatches('xxxxyyyy', 1669872113, SIGN)).toBe(false);
    expect(tencentSignMatches('xxxxyyyy', 1669872112, SIGN.slice(0, -1))).toBe(false);
    expect(tencentSignMatches('xxxxyyyy', 1669872112, SIGN.toUpperCase())).toBe(false);
    expect(tencentSignMatches('xxxxyyyy', 1669872112, '')).toBe(false);
  });
});

describe('isTencentCustomDeny', () => {
  it('is true for 10100–10200 only', () => {
    expect([10099, 10100, 10150, 10200, 10201, 1, 0].map(isTencentCustomDeny)).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe("a before-hook's modification under Tencent's answer keys", () => {
  const invite = CALLBACKS.beforeInviteUserToGroup;
  const fields = invite.tencent!.modification;
  const read = (answer: object) =>
    readTencentAnswer(
      200,
      JSON.stringify({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...answer }),
      fields,
      invite.modifiable,
    );

  it('reads each field from its answer key', () => {
    expect(read({ RefusedMembers_Account: ['bot1'] })).toEqual({
      kind: 'allow',
      modification: { refusedMembersAccount: ['bot1'] },
    });
  });

  it("matches the key exactly: another case, or huddle's own name, is not the field", () => {
    expect(read({ refusedMembers_account: ['bot1'] })).toEqual({
      kind: 'allow',
      modification: { refusedMembersAccount: [] },
    });
    expect(read({ refusedMembersAccount: ['bot1'] })).toEqual({
      kind: 'allow',
      modification: { refusedMembersAccount: [] },
    });
  });

  it("validates what the key holds with the hook's modifiable schema", () => {
    expect(read({ RefusedMembers_Account: 'all' })).toMatchObject({
      kind: 'fail',
      cause: 'data',
      reason: expect.stringContaining('invalid modification'),
    });
  });

  it('takes no modification without the fields or the schema', () => {
    const body = JSON.stringify({ ErrorCode: 0, RefusedMembers_Account: ['bot1'] });
    expect(readTencentAnswer(200, body, undefined, invite.modifiable)).toEqual({
      kind: 'allow',
      modification: undefined,
    });
    expect(readTencentAnswer(200, body, fields)).toEqual({ kind: 'allow', modification: undefined });
  });
});
