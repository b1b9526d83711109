// Rounding and latency percentiles.

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
/** CPU seconds per second as a percentage, one decimal. */
export const percent = (x: number) => Math.round(x * 1000) / 10;

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): LatencySummary {
  const v = Float64Array.from(values).sort();
  const n = v.length;
  if (n === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const at = (p: number) => v[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
  let sum = 0;
  for (const x of v) sum += x;
  return {
    count: n,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(v[n - 1]!),
    mean: round(sum / n),
  };
}
