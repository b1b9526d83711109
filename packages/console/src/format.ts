import { Role } from '@huddle/protocol/wire';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The browser's time zone at `ms` as an offset from GMT ("GMT+1", "GMT-3:30", "GMT"); summer time included. */
export function zoneLabel(ms = Date.now()): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'shortOffset' })
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'GMT';
}

/**
 * The one way the console shows a time: local date and time with its zone ("2026-12-02 12:31:05
 * GMT+1"); "—" for 0 (not happened). Pair it with `utcTitle` for the exact UTC instant.
 */
export function formatTime(ms: number): string {
  if (!ms) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zoneLabel(ms)}`;
}

/** The UTC ISO time with milliseconds, for a shown time's title; "" for 0. */
export function utcTitle(ms: number): string {
  return ms ? `${new Date(ms).toISOString()} (UTC)` : '';
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
