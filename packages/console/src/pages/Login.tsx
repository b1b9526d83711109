// Admin login: the admin secret (exchanged for an admin token by /auth/get_admin_token) or an admin
// token. The token must open the admin API, or nothing is shown.

import { useState, type FormEvent } from 'react';
import { call, messageOf } from '../api';
import { setToken } from '../token';

type Mode = 'secret' | 'token';

export function Login() {
  const [mode, setMode] = useState<Mode>('secret');
  const [secret, setSecret] = useState('');
  const [userID, setUserID] = useState('imAdmin');
  const [token, setTokenInput] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const admin =
        mode === 'secret'
          ? (await call<{ token: string }>('/auth/get_admin_token', { secret, userID }, '')).token
          : token.trim();
      // Only an app admin's token opens the admin API (1002 otherwise).
      await call('/callback/get_config', {}, admin);
      setToken(admin);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <form onSubmit={submit} className="card" aria-label="log in">
        <h1>huddle console</h1>
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={mode === 'secret'} onClick={() => setMode('secret')}>
            Admin secret
          </button>
          <button type="button" role="tab" aria-selected={mode === 'token'} onClick={() => setMode('token')}>
            Admin token
          </button>
        </div>
        {mode === 'secret' ? (
          <>
            <label>
              Admin secret
              <input
                type="password"
                name="secret"
                autoComplete="current-password"
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
                required
              />
            </label>
            <label>
              App admin user ID
              <input
                name="userID"
                autoComplete="username"
                value={userID}
                onChange={(e) => setUserID(e.target.value)}
                required
              />
            </label>
          </>
        ) : (
          <label>
            Admin token
            <textarea name="token" rows={4} value={token} onChange={(e) => setTokenInput(e.target.value)} required />
          </label>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
    </div>
  );
}
