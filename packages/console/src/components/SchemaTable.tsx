// A JSON Schema object as a table of fields (nested objects and list items flattened to paths).

import { DataTable } from './DataTable';

type JsonSchema = { [keyword: string]: unknown };

interface Row {
  path: string;
  type: string;
  required: boolean;
  rules: string;
  description: string;
}

/** Bounds that only restate the wire type (int32, safe integers) say nothing. */
const UNINFORMATIVE = new Set([-2147483648, 2147483647, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);

function rulesOf(s: JsonSchema): string {
  const rules: string[] = [];
  if (typeof s.minLength === 'number') rules.push('not empty');
  if (typeof s.maxLength === 'number') rules.push(`≤ ${s.maxLength} chars`);
  const min = typeof s.minimum === 'number' && !UNINFORMATIVE.has(s.minimum) ? s.minimum : undefined;
  const max = typeof s.maximum === 'number' && !UNINFORMATIVE.has(s.maximum) ? s.maximum : undefined;
  if (min !== undefined || max !== undefined) rules.push(`${min ?? '…'}–${max ?? '…'}`);
  if (Array.isArray(s.enum)) rules.push(`one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (typeof s.minItems === 'number') rules.push('at least one');
  if (typeof s.maxItems === 'number') rules.push(`≤ ${s.maxItems} entries`);
  if (typeof s.pattern === 'string') rules.push(`matches ${s.pattern}`);
  return rules.join('; ');
}

function typeOf(s: JsonSchema): string {
  const t = Array.isArray(s.type) ? s.type.join(' | ') : String(s.type ?? 'any');
  const items = s.items as JsonSchema | undefined;
  return items && t.startsWith('array') ? t.replace('array', `${typeOf(items)}[]`) : t;
}

function flatten(schema: JsonSchema, prefix: string, required: boolean, rows: Row[]): void {
  const items = schema.items as JsonSchema | undefined;
  if (prefix)
    rows.push({
      path: prefix,
      type: typeOf(schema),
      required,
      rules: rulesOf(schema),
      description: String(schema.description ?? ''),
    });
  const properties = (schema.properties ?? items?.properties) as Record<string, JsonSchema> | undefined;
  if (!properties) return;
  const needed = new Set((schema.required ?? items?.required ?? []) as string[]);
  const base = prefix && items ? `${prefix}[]` : prefix;
  for (const [name, sub] of Object.entries(properties))
    flatten(sub, base ? `${base}.${name}` : name, needed.has(name), rows);
}

export function SchemaTable({ schema }: { schema: JsonSchema }) {
  const rows: Row[] = [];
  flatten(schema, '', true, rows);
  if (rows.length === 0) return <p className="muted small">{String(schema.description ?? 'no fields')}</p>;
  return (
    <DataTable className="schema" columns={['Field', 'Type', 'Rules']}>
      {rows.map((r) => (
        <tr key={r.path}>
          <td className="mono">
            {r.path}
            {r.required && (
              <span className="required" title="required">
                {' '}
                *
              </span>
            )}
          </td>
          <td className="mono">{r.type}</td>
          <td>{[r.rules, r.description].filter(Boolean).join(' — ')}</td>
        </tr>
      ))}
    </DataTable>
  );
}
