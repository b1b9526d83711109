// The admin token of this browser tab. sessionStorage: it ends with the tab, and other sites cannot
// read it. Components re-render through onTokenChange.

const KEY = 'huddle.console.token';
const listeners = new Set<() => void>();

export function getToken(): string {
  return sessionStorage.getItem(KEY) ?? '';
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
  for (const l of listeners) l();
}

export function clearToken(): void {
  if (!getToken()) return;
  sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
