// A small JSON Schema (2020-12) checker for the answers the API document describes; no validator is
// among the dependencies. It knows the keywords the document's answer schemas use and throws on any
// other, so a schema it does not understand can never pass by being ignored.
//
//   const errors = checkJson(doc, schema, value, (at) => visited.add(at));

type Schema = Record<string, unknown> | boolean;

const ANNOTATIONS = new Set(['title', 'description']);
const KEYWORDS = new Set([
  '$ref',
  'allOf',
  'not',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'maxItems',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  return typeOf(value) === type;
}

/** Resolves a local reference (`#/components/schemas/Envelope`) in `root`. */
function resolve(root: unknown, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node = root;
  for (const part of ref.slice(2).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  if (node === undefined) throw new Error(`$ref ${ref} resolves to nothing`);
  return node as Schema;
}

/**
 * The ways `value` breaks `schema`, each naming where (`data.members[0].ex: …`); empty when it fits.
 * `root` resolves $refs; `visit` hears the location of every (sub)schema that checked a value.
 */
export function checkJson(
  root: unknown,
  schema: Schema,
  value: unknown,
  visit: (at: string) => void = () => {},
  at = '#',
  where = 'value',
): string[] {
  visit(at);
  if (schema === true) return [];
  if (schema === false) return [`${where}: not allowed here`];
  for (const key of Object.keys(schema)) {
    if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key))
      throw new Error(`${at}: the checker does not know the keyword ${key}`);
  }
  const errors: string[] = [];
  const sub = (s: unknown, path: string, v: unknown, w: string) =>
    errors.push(...checkJson(root, s as Schema, v, visit, `${at}/${path}`, w));

  if (typeof schema.$ref === 'string')
    errors.push(...checkJson(root, resolve(root, schema.$ref), value, visit, schema.$ref, where));
  (schema.allOf as Schema[] | undefined)?.forEach((s, i) => sub(s, `allOf/${i}`, value, where));
  if (schema.not !== undefined && checkJson(root, schema.not as Schema, value).length === 0)
    errors.push(`${where}: matches what \`not\` forbids`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => hasType(value, t)))
      return [...errors, `${where}: ${JSON.stringify(value)} is not ${types.join(' or ')}`];
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(value))
    errors.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== value)
    errors.push(`${where}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);

  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required as string[] | undefined) ?? [])
      if (!Object.hasOwn(object, key)) errors.push(`${where}: ${key} is missing`);
    for (const [key, v] of Object.entries(object)) {
      if (Object.hasOwn(properties, key)) sub(properties[key], `properties/${key}`, v, `${where}.${key}`);
      else if (schema.additionalProperties !== undefined)
        sub(schema.additionalProperties, 'additionalProperties', v, `${where}.${key}`);
    }
  }
  if (Array.isArray(value) && typeof schema.maxItems === 'number' && value.length > schema.maxItems)
    errors.push(`${where}: more than ${schema.maxItems} items`);
  if (Array.isArray(value) && schema.items !== undefined)
    value.forEach((v, i) => sub(schema.items, 'items', v, `${where}[${i}]`));
  return errors;
}

/** The locations of every `items` schema under `schema` (not following $refs), as checkJson names them. */
export function itemLocations(schema: unknown, at = '#'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  return Object.entries(schema).flatMap(([key, sub]) => {
    if (key === 'items') return [`${at}/items`, ...itemLocations(sub, `${at}/items`)];
    if (key === 'properties')
      return Object.entries(sub as object).flatMap(([k, s]) => itemLocations(s, `${at}/properties/${k}`));
    if (key === 'allOf') return (sub as unknown[]).flatMap((s, i) => itemLocations(s, `${at}/allOf/${i}`));
    return [];
  });
}
