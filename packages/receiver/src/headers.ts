// Header access that works the same for node:http (a lower-cased record, repeated headers as arrays)
// and for fetch (a Headers object).

export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** One header's value, by case-insensitive name; a repeated header reads as its first value. */
export function headerOf(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const lower = name.toLowerCase();
  const value = record[lower] ?? Object.entries(record).find(([k]) => k.toLowerCase() === lower)?.[1];
  return typeof value === 'string' ? value : value?.[0];
}
