// A list of objects in the configuration (endpoints: name, url, dialect, …), edited field by field.

import { blankLike, isScalar, type Doc, type Scalar } from '../callbackConfigFields';
import { FieldError } from './FieldError';
import { ScalarInput } from './ScalarInput';

interface Props {
  name: string;
  items: Doc[];
  errorAt: (path: string) => string | undefined;
  onChange: (items: Doc[]) => void;
}

export function ObjectList({ name, items, errorAt, onChange }: Props) {
  const replace = (i: number, item: Doc) => onChange(items.map((x, j) => (j === i ? item : x)));
  return (
    <fieldset className="object-list">
      <legend>{name}</legend>
      <FieldError message={errorAt(name)} />
      {items.map((item, i) => (
        <div key={i} className="object-item">
          {Object.entries(item).map(([field, value]) => (
            // biome-ignore lint/a11y/noLabelWithoutControl: ScalarInput renders the control; a JSON value has none to label
            <label key={field}>
              {field}
              {isScalar(value) ? (
                <ScalarInput
                  name={`${name}[${i}].${field}`}
                  value={value as Scalar}
                  onChange={(v) => replace(i, { ...item, [field]: v })}
                />
              ) : (
                <code>{JSON.stringify(value)}</code>
              )}
              <FieldError message={errorAt(`${name}[${i}].${field}`)} />
            </label>
          ))}
          <button type="button" className="link" onClick={() => onChange(items.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...items, blankLike(items[0])])}>
        Add
      </button>
    </fieldset>
  );
}
