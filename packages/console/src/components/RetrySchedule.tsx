// The retry schedule: each delay as a number and a unit (s, min, h, d), added and removed one by one.

import { delayParts, delayValue, fieldId, UNITS, type ConfigProblem, type Unit } from '../callbackConfigFields';
import { FieldError } from './FieldError';

interface Props {
  delays: unknown[];
  problemsAt: (path: string) => ConfigProblem[] | undefined;
  onChange: (delays: unknown[]) => void;
}

export function RetrySchedule({ delays, problemsAt, onChange }: Props) {
  const replace = (i: number, value: unknown) => onChange(delays.map((d, j) => (j === i ? value : d)));
  return (
    <fieldset className="retry-schedule" id={fieldId('retrySchedule')}>
      <legend>Retry schedule</legend>
      <p className="muted small">
        Delays before retry 1, 2, …; when they are spent, the event is dead.{' '}
        {delays.length === 0 && 'None: dead after the first failed attempt.'}
      </p>
      <FieldError problems={problemsAt('retrySchedule')} />
      <ol className="delays">
        {delays.map((d, i) => {
          const { amount, unit } = delayParts(d);
          const path = `retrySchedule[${i}]`;
          return (
            <li key={i} data-delay={i}>
              <input
                id={fieldId(path)}
                name={path}
                aria-label={`delay ${i + 1}`}
                inputMode="decimal"
                value={amount}
                onChange={(e) => replace(i, delayValue(e.target.value, unit))}
              />
              <select
                name={`${path}.unit`}
                aria-label={`delay ${i + 1} unit`}
                value={unit}
                onChange={(e) => replace(i, delayValue(amount, e.target.value as Unit))}
              >
                {UNITS.map((u) => (
                  <option key={u.unit} value={u.unit}>
                    {u.label}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="link"
                aria-label={`remove delay ${i + 1}`}
                onClick={() => onChange(delays.filter((_, j) => j !== i))}
              >
                Remove
              </button>
              <FieldError problems={problemsAt(path)} />
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={() => onChange([...delays, delays.length ? delays[delays.length - 1] : '5s'])}>
        Add delay
      </button>
    </fieldset>
  );
}
