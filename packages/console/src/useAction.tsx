// Runs an operator action (a POST that changes something), then says what happened and reloads the
// page's data, so what shows is what the API reports after the change. A failure shows as an error.

import { useState } from 'react';
import { call, messageOf } from './api';

/** What to say when it worked: fixed words, or words made from the answer. */
type Done<T> = string | ((answer: T) => string);

export function useAction(reload: () => Promise<void>) {
  const [notice, setNotice] = useState<{ text: string; failed: boolean }>();
  const [busy, setBusy] = useState(false);
  /** Resolves to whether the action worked. */
  async function run<T = unknown>(path: string, body: unknown, done: Done<T>, confirmFirst?: string) {
    if (confirmFirst && !confirm(confirmFirst)) return false;
    setBusy(true);
    try {
      const answer = await call<T>(path, body);
      setNotice({ text: typeof done === 'string' ? done : done(answer), failed: false });
      return true;
    } catch (err) {
      setNotice({ text: messageOf(err), failed: true });
      return false;
    } finally {
      setBusy(false);
      await reload();
    }
  }
  const shown = notice && (
    <p className={notice.failed ? 'error' : 'notice'} role={notice.failed ? 'alert' : 'status'}>
      {notice.text}
    </p>
  );
  return { run, busy, notice: shown, say: (text: string, failed = false) => setNotice({ text, failed }) };
}
