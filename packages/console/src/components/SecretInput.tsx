// A signing secret: masked until revealed; "New secret" fills in a fresh whsec_ one.

import { useState } from 'react';
import { fieldId } from '../callbackConfigFields';
import { newSigningSecret } from '../endpointDocs';

export function SecretInput({ path, value, onChange }: { path: string; value: string; onChange: (v: string) => void }) {
  const [shown, setShown] = useState(false);
  return (
    <span className="secret-input">
      <input
        id={fieldId(path)}
        name={path}
        type={shown ? 'text' : 'password'}
        autoComplete="off"
        spellCheck={false}
        placeholder="none: unsigned"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <button type="button" className="link" onClick={() => setShown(!shown)}>
        {shown ? 'Hide' : 'Reveal'}
      </button>
      <button type="button" className="link" onClick={() => onChange(newSigningSecret())}>
        New secret
      </button>
    </span>
  );
}
