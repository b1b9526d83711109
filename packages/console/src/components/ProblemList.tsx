// Every problem check_config found, at the top of the form: each links to the field it is about
// (scrolled to and focused), where it shows again.

import { fieldId, type ConfigProblem } from '../callbackConfigFields';

interface Props {
  problems: readonly ConfigProblem[];
  /** The field path showing a problem's key; '' when no field does (JSON mode, an unknown key). */
  ownerOf: (key: string) => string;
}

function goTo(id: string) {
  const target = document.getElementById(id);
  target?.scrollIntoView({ block: 'center' });
  // A card or fieldset is not focusable; its first control is.
  const control = target?.matches('input, select, textarea, button') ? target : target?.querySelector('input, select');
  (control as HTMLElement | null | undefined)?.focus({ preventScroll: true });
}

export function ProblemList({ problems, ownerOf }: Props) {
  if (problems.length === 0) return null;
  return (
    <div className="problem-list" role="alert">
      <strong>
        {problems.length} problem{problems.length === 1 ? '' : 's'}; nothing was saved.
      </strong>
      <ul>
        {problems.map((p, i) => {
          const owner = ownerOf(p.key);
          return (
            <li key={`${i}:${p.key}`} data-key={p.key}>
              {owner ? (
                <a
                  href={`#${fieldId(owner)}`}
                  className="mono"
                  onClick={(e) => {
                    e.preventDefault();
                    goTo(fieldId(owner));
                  }}
                >
                  {p.key}
                </a>
              ) : (
                <span className="mono">{p.key}</span>
              )}
              : {p.message}
              {p.hint && <span className="muted small"> ({p.hint})</span>}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
