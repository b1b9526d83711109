import type { Logger } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { DecisionRecord } from '../storage/records.js';
import { DecisionRecorder, decisionOf } from './decision-recorder.js';
import type { BeforeObservation } from './dispatcher.js';

const observation = (verdict: BeforeObservation['verdict'], body = '{}'): BeforeObservation => ({
  hook: 'beforeCreateGroup',
  outcome: verdict.kind,
  durationMs: 1.5,
  time: 1_700_000_000_000,
  endpoint: 'default',
  command: 'callbackBeforeCreateGroupCommand',
  url: 'http://127.0.0.1/cb',
  groupID: 'g1',
  operationID: 'op1',
  failedContinue: true,
  verdict,
  response: { statusCode: 200, body, durationMs: 1.5, error: '', retryAfter: undefined },
});
const allow = observation({ kind: 'allow', modification: undefined });

function fakeLogger() {
  const warn = vi.fn();
  return { logger: { warn } as unknown as Logger, warn };
}

describe('decisionOf', () => {
  it('tells modify from allow by whether the answer changes a field', () => {
    expect(decisionOf(allow).decision).toBe('allow');
    const unchanged = { groupName: undefined, memberList: [] };
    expect(decisionOf(observation({ kind: 'allow', modification: unchanged })).decision).toBe('allow');
    expect(decisionOf(observation({ kind: 'allow', modification: { groupName: 'x' } })).decision).toBe('modify');
  });

  it('keeps a rejection’s code and message, a failure’s reason, and at most 4 KB of the answer', () => {
    const reject = decisionOf(
      observation({ kind: 'reject', errCode: 5001, errMsg: 'no', errDlt: '', custom: true }, 'x'.repeat(10_000)),
    );
    expect([reject.decision, reject.errCode, reject.errMsg, reject.answer.length]).toEqual([
      'reject',
      5001,
      'no',
      4096,
    ]);
    const failed = decisionOf(observation({ kind: 'fail', cause: 'transport', reason: 'HTTP 500' }));
    expect([failed.decision, failed.error, failed.errCode]).toEqual(['failed', 'HTTP 500', 0]);
  });
});

describe('DecisionRecorder', () => {
  it('drops past its bound, counts and logs the drops, and writes the rest on close', async () => {
    const { logger, warn } = fakeLogger();
    const written: DecisionRecord[] = [];
    const recorder = new DecisionRecorder(async (batch) => void written.push(...batch), logger, 2);
    for (let i = 0; i < 5; i++) recorder.record(allow);
    expect(recorder.dropped).toBe(3);
    expect(written).toEqual([]);
    await recorder.close();
    expect(written).toHaveLength(2);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ dropped: 3 }), expect.stringContaining('dropped'));
  });

  it('logs a failed write and goes on: the next decisions are written', async () => {
    const { logger, warn } = fakeLogger();
    const written: DecisionRecord[] = [];
    const write = vi
      .fn<(batch: readonly DecisionRecord[]) => Promise<void>>()
      .mockRejectedValueOnce(new Error('database is locked'))
      .mockImplementation(async (batch) => void written.push(...batch));
    const recorder = new DecisionRecorder(write, logger);
    recorder.record(allow);
    await recorder.close();
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ lost: 1 }),
      expect.stringContaining('could not record'),
    );
    recorder.record(allow);
    await recorder.close();
    expect(written).toHaveLength(1);
  });
});
