// The checks a phase or a delivery run carries: each printed, and any failure fails the run.

/** Anything that carries checks: a phase, a delivery run. */
export interface Verified {
  verification: string[];
  verified: boolean;
}

export function verify(result: Verified, ok: boolean, what: string): void {
  result.verification.push(`${ok ? 'ok' : 'FAILED'}: ${what}`);
  if (!ok) result.verified = false;
}
