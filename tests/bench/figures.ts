/** A benchmark figure with its target, so latest.json says by itself whether each one passes. */
export interface Figure {
  value: number | null;
  unit: string;
  /** e.g. "<= 1.0"; null where no target applies (the figure is informational). */
  target: string | null;
  pass: boolean | null;
  /** How it was measured, and anything that qualifies it. */
  note?: string;
  [extra: string]: unknown;
}

export function figure(value: number | null, unit: string, target: { op: '<=' | '>='; limit: number } | null, note?: string, extra: Record<string, unknown> = {}): Figure {
  const pass = value === null || target === null ? null : target.op === '<=' ? value <= target.limit : value >= target.limit;
  return { value: value === null ? null : round(value), unit, target: target ? `${target.op} ${target.limit}` : null, pass, ...(note ? { note } : {}), ...extra };
}

export const round = (v: number): number => (Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 1000) / 1000);

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
