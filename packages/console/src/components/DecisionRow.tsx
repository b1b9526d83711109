// One before-callback decision as a table row; opened, a second row shows the request URL, the
// outcome's details and the business server's answer.

import type { DecisionView } from '@huddle/protocol/decision-log';
import { Time } from './Time';
import { JsonBlock } from './JsonBlock';
import { StatusBadge } from './StatusBadge';

export const DECISION_COLUMNS = ['Time', 'Endpoint', 'Hook', 'Group', 'Decision', 'Latency', 'HTTP'] as const;

/** The answer as JSON when it parses, else its text. */
function answerValue(answer: string): unknown {
  try {
    return JSON.parse(answer);
  } catch {
    return answer;
  }
}

/** What the operation did after it: went on, or was refused. */
function outcome(d: DecisionView): string {
  if (d.decision === 'failed')
    return d.proceeded ? 'went on unchanged (failedContinue)' : 'refused (failedContinue is false)';
  return d.proceeded ? 'went on' : 'refused';
}

export function DecisionRow({ d, open, onToggle }: { d: DecisionView; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr data-decision={d.decisionID} className={open ? 'open' : ''}>
        <td>
          <button type="button" className="link" aria-expanded={open} onClick={onToggle}>
            <Time ms={d.time} />
          </button>
        </td>
        <td>{d.endpoint}</td>
        <td>{d.hook}</td>
        <td className="clip">{d.groupID || '—'}</td>
        <td>
          <StatusBadge status={d.decision} />
        </td>
        <td>{d.latencyMs.toFixed(1)} ms</td>
        <td>{d.statusCode || '—'}</td>
      </tr>
      {open && (
        <tr className="decision-detail">
          <td colSpan={DECISION_COLUMNS.length}>
            <dl className="facts">
              <dt>Request</dt>
              <dd>
                <code>POST {d.url}</code>
              </dd>
              <dt>Command</dt>
              <dd>{d.command}</dd>
              <dt>operationID</dt>
              <dd>{d.operationID}</dd>
              <dt>Operation</dt>
              <dd>{outcome(d)}</dd>
              {d.decision === 'reject' && (
                <>
                  <dt>Refused with</dt>
                  <dd>
                    {d.errCode} {d.errMsg}
                  </dd>
                </>
              )}
              {d.error && (
                <>
                  <dt>Error</dt>
                  <dd className="error">{d.error}</dd>
                </>
              )}
            </dl>
            <h3>Answer</h3>
            {d.answer ? <JsonBlock value={answerValue(d.answer)} /> : <p className="muted">No answer.</p>}
          </td>
        </tr>
      )}
    </>
  );
}
