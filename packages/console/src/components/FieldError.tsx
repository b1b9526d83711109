// The problems check_config found in one field, next to it.

import type { ConfigProblem } from '../callbackConfigFields';

export function FieldError({ problems }: { problems: readonly ConfigProblem[] | undefined }) {
  if (!problems?.length) return null;
  return (
    <span className="field-error" role="alert">
      {problems.map((p, i) => (
        <span key={`${i}:${p.key}`} data-key={p.key}>
          {p.message}
          {p.hint && <span className="muted small"> ({p.hint})</span>}
        </span>
      ))}
    </span>
  );
}
