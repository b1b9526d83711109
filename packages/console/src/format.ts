import { Role } from '@huddle/protocol/wire';

/** Local date and time of a Unix-millisecond time; "—" for 0 (not happened). */
export function formatTime(ms: number): string {
  if (!ms) return '—';
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A datetime-local input's value as Unix milliseconds; undefined when empty. */
export function fromLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** Role levels by name (owner, admin, member), from the protocol's one table. */
export const ROLE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Role).map(([name, level]) => [level, name.toLowerCase()]),
);

/** OpenIM's platform IDs, as the token and online-status calls number them. */
export const PLATFORM_NAMES: Record<number, string> = {
  1: 'iOS',
  2: 'Android',
  3: 'Windows',
  4: 'macOS',
  5: 'Web',
  6: 'mini program',
  7: 'Linux',
  8: 'Android pad',
  9: 'iPad',
  10: 'admin',
  11: 'HarmonyOS',
};
