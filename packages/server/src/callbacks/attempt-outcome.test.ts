import { describe, expect, it } from 'vitest';
import { attemptOutcome, type AttemptOutcome } from './attempt-outcome.js';
import { parseCallbackConfig } from './config-file.js';
import { dialectOf } from './dialect-adapters.js';
import type { SendResult } from './send.js';

const S = 1000;
const H = 3_600_000;
const NOW = Date.parse('2026-01-01T00:00:00Z');
const SCHEDULE = [5 * S, 300 * S, 1800 * S];
const LAST = SCHEDULE.length + 1;

const [openim, tencent] = parseCallbackConfig({
  endpoints: [
    { name: 'openim', url: 'http://receiver.test/cb' },
    { name: 'tencent', url: 'http://receiver.test/im', dialect: 'tencent', sdkAppId: '1400000000' },
  ],
}).endpoints.filter((e) => e.name === 'openim' || e.name === 'tencent');

const answer = (statusCode: number, body = '', retryAfter?: string): SendResult => ({
  statusCode,
  body,
  durationMs: 12,
  error: '',
  retryAfter,
});
const noAnswer = (error: string): SendResult => ({
  statusCode: null,
  body: '',
  durationMs: 12,
  error,
  retryAfter: undefined,
});

const delivered = (note = ''): AttemptOutcome => ({ kind: 'delivered', note });
const retryIn = (ms: number, reason: string): AttemptOutcome => ({ kind: 'retry', at: NOW + ms, reason });
const dead = (reason: string): AttemptOutcome => ({ kind: 'dead', reason });

interface Row {
  why: string;
  dialect?: 'openim' | 'tencent';
  response: SendResult;
  attempt?: number;
  random?: number;
  schedule?: readonly number[];
  expected: AttemptOutcome;
}

const rows: Row[] = [
  // Any 2xx is delivered; the dialect notes what it could not read.
  { why: '200 with an empty body', response: answer(200), expected: delivered() },
  { why: '200 with OpenIM actionCode 0', response: answer(200, '{"errCode":0,"actionCode":0}'), expected: delivered() },
  {
    why: '200 with actionCode 1: noted',
    response: answer(200, '{"actionCode":1}'),
    expected: delivered('actionCode 1'),
  },
  {
    why: '200 with nextCode 1: no refusal after the change',
    response: answer(200, '{"actionCode":0,"nextCode":1,"errCode":5001}'),
    expected: delivered(),
  },
  {
    why: '200 with a body that is not JSON: noted',
    response: answer(200, '<html>ok</html>'),
    expected: delivered('response body is not JSON'),
  },
  {
    why: '200 with a JSON array: noted',
    response: answer(200, '[]'),
    expected: delivered('response body is not a JSON object'),
  },
  {
    why: '200 whose actionCode is not a number: noted',
    response: answer(200, '{"actionCode":"no"}'),
    expected: delivered('response actionCode must be an integer, got a string'),
  },
  {
    why: '202 with actionCode 1: noted',
    response: answer(202, '{"actionCode":1}'),
    expected: delivered('actionCode 1'),
  },
  { why: '204 No Content', response: answer(204), expected: delivered() },
  { why: 'a 2xx ignores Retry-After', response: answer(200, '', '120'), expected: delivered() },
  { why: 'a 2xx on the last attempt', response: answer(200), attempt: LAST, expected: delivered() },
  { why: 'Tencent: 200 OK', dialect: 'tencent', response: answer(200, '{"ActionStatus":"OK"}'), expected: delivered() },
  {
    why: 'Tencent: ErrorCode ≠ 0 is ignored',
    dialect: 'tencent',
    response: answer(200, '{"ActionStatus":"FAIL","ErrorCode":1}'),
    expected: delivered(),
  },
  {
    why: 'Tencent: 201 with a JSON array: noted',
    dialect: 'tencent',
    response: answer(201, '[]'),
    expected: delivered('response body is not a JSON object'),
  },
  {
    why: 'Tencent: a body that is not JSON: noted',
    dialect: 'tencent',
    response: answer(200, 'ok'),
    expected: delivered('response body is not JSON'),
  },

  // Any other status fails and is retried on the schedule (±20 % jitter; random 0.5 is the step itself).
  { why: '301: redirects are not followed', response: answer(301), expected: retryIn(5 * S, 'HTTP 301') },
  { why: '400', response: answer(400, '{"actionCode":0}'), expected: retryIn(5 * S, 'HTTP 400') },
  { why: '404', response: answer(404), expected: retryIn(5 * S, 'HTTP 404') },
  { why: '429 without Retry-After', response: answer(429), expected: retryIn(5 * S, 'HTTP 429') },
  { why: '500', response: answer(500), expected: retryIn(5 * S, 'HTTP 500') },
  {
    why: '502 with an HTML page',
    response: answer(502, '<html>bad gateway</html>'),
    expected: retryIn(5 * S, 'HTTP 502'),
  },
  { why: 'Tencent: 500', dialect: 'tencent', response: answer(500, '{}'), expected: retryIn(5 * S, 'HTTP 500') },
  { why: 'second attempt: second step', response: answer(500), attempt: 2, expected: retryIn(300 * S, 'HTTP 500') },
  { why: 'third attempt: third step', response: answer(503), attempt: 3, expected: retryIn(1800 * S, 'HTTP 503') },
  { why: 'jitter: -20 % at random 0', response: answer(500), random: 0, expected: retryIn(4 * S, 'HTTP 500') },
  { why: 'jitter: +10 % at random 0.75', response: answer(500), random: 0.75, expected: retryIn(5.5 * S, 'HTTP 500') },

  // Retry-After postpones a retry, never brings it forward, and is capped.
  { why: '429 Retry-After in seconds', response: answer(429, '', '60'), expected: retryIn(60 * S, 'HTTP 429') },
  { why: '503 Retry-After in seconds', response: answer(503, '', ' 90 '), expected: retryIn(90 * S, 'HTTP 503') },
  {
    why: '429 Retry-After as an HTTP date',
    response: answer(429, '', 'Thu, 01 Jan 2026 00:02:00 GMT'),
    expected: retryIn(120 * S, 'HTTP 429'),
  },
  {
    why: '429 Retry-After as a date already past: the schedule',
    response: answer(429, '', 'Wed, 31 Dec 2025 23:00:00 GMT'),
    expected: retryIn(5 * S, 'HTTP 429'),
  },
  {
    why: '429 Retry-After unreadable: the schedule',
    response: answer(429, '', 'soon'),
    expected: retryIn(5 * S, 'HTTP 429'),
  },
  { why: '429 Retry-After 0: the schedule', response: answer(429, '', '0'), expected: retryIn(5 * S, 'HTTP 429') },
  {
    why: '503 Retry-After shorter than the step: the step',
    response: answer(503, '', '10'),
    attempt: 2,
    expected: retryIn(300 * S, 'HTTP 503'),
  },
  {
    why: '429 Retry-After of two days: capped at 10 h',
    response: answer(429, '', String(48 * 3600)),
    expected: retryIn(10 * H, 'HTTP 429'),
  },
  { why: '500 with Retry-After', response: answer(500, '', '30'), expected: retryIn(30 * S, 'HTTP 500') },

  // No usable answer: the sender's reason, retried the same way.
  { why: 'timeout', response: noAnswer('timeout after 5000 ms'), expected: retryIn(5 * S, 'timeout after 5000 ms') },
  {
    why: 'connection refused',
    response: noAnswer('connection refused'),
    expected: retryIn(5 * S, 'connection refused'),
  },
  { why: 'connection reset', response: noAnswer('connection reset'), expected: retryIn(5 * S, 'connection reset') },
  { why: 'host not found', response: noAnswer('host not found'), expected: retryIn(5 * S, 'host not found') },
  {
    why: 'a body over the cap',
    response: noAnswer('response body over 1048576 bytes'),
    expected: retryIn(5 * S, 'response body over 1048576 bytes'),
  },

  // The schedule's end: dead, whatever the receiver asks.
  { why: 'last attempt: 500', response: answer(500), attempt: LAST, expected: dead('HTTP 500') },
  {
    why: 'last attempt: 429 with Retry-After',
    response: answer(429, '', '5'),
    attempt: LAST,
    expected: dead('HTTP 429'),
  },
  {
    why: 'last attempt: timeout',
    response: noAnswer('timeout after 5000 ms'),
    attempt: LAST,
    expected: dead('timeout after 5000 ms'),
  },
  { why: 'a replay past the schedule', response: answer(500), attempt: LAST + 3, expected: dead('HTTP 500') },
  { why: 'an empty schedule: the first failure', response: answer(500), schedule: [], expected: dead('HTTP 500') },
  { why: 'an empty schedule: a 2xx still delivers', response: answer(200), schedule: [], expected: delivered() },
];

describe('attemptOutcome', () => {
  it.each(rows)(
    '$why',
    ({ dialect = 'openim', response, attempt = 1, random = 0.5, schedule = SCHEDULE, expected }) => {
      const endpoint = dialect === 'tencent' ? tencent! : openim!;
      expect(attemptOutcome({ response, dialect: dialectOf(endpoint), attempt, schedule, now: NOW, random })).toEqual(
        expected,
      );
    },
  );
});
