// Runs an operator action (a POST that changes something), then says what happened and reloads the
// page's data, so what shows is what the API reports after the change.

import { useState } from 'react';
import { call, messageOf } from './api';

export function useAction(reload: () => Promise<void>) {
  const [notice, setNotice] = useState<{ text: string; failed: boolean }>();
  const [busy, setBusy] = useState(false);
  async function run(path: string, body: unknown, done: string, confirmFirst?: string) {
    if (confirmFirst && !confirm(confirmFirst)) return;
    setBusy(true);
    try {
      await call(path, body);
      setNotice({ text: done, failed: false });
    } catch (err) {
      setNotice({ text: messageOf(err), failed: true });
    } finally {
      setBusy(false);
      await reload();
    }
  }
  const shown = notice && (
    <p className={notice.failed ? 'error' : 'notice'} role="status">
      {notice.text}
    </p>
  );
  return { run, busy, notice: shown };
}
