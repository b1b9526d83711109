// "Send a test event" (what `huddle callbacks test` does, to a configured endpoint): a hook's example
// event sent as huddle sends it, and the answer as huddle reads it.

import { useState } from 'react';
import type { EndpointTestResult } from '@huddle/protocol/delivery-log';
import { call, messageOf } from '../api';
import { useCallbackKeys } from '../useCallbackKeys';

type TestResult = EndpointTestResult;

export function EndpointTest({ endpoint }: { endpoint: string }) {
  const hooks = useCallbackKeys();
  const [hook, setHook] = useState('afterCreateGroup');
  const [result, setResult] = useState<TestResult | string>();
  const [busy, setBusy] = useState(false);
  async function send() {
    setBusy(true);
    try {
      setResult(await call<TestResult>('/callback/test_endpoint', { endpoint, hook }));
    } catch (err) {
      setResult(messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="endpoint-test">
      <div className="inline">
        <select value={hook} onChange={(e) => setHook(e.target.value)} name="testHook" aria-label="hook to test">
          {hooks.map((h) => (
            <option key={h}>{h}</option>
          ))}
        </select>
        <button type="button" disabled={busy} onClick={() => void send()}>
          Send test event
        </button>
      </div>
      {typeof result === 'string' && <p className="error">{result}</p>}
      {result && typeof result !== 'string' && (
        <p className={result.ok ? 'notice' : 'error'} data-field="test-result">
          {result.statusCode || 'no response'} in {result.durationMs} ms: {result.verdict}
          {result.answer && <span className="mono muted small wrap"> {result.answer.slice(0, 200)}</span>}
        </p>
      )}
    </div>
  );
}
