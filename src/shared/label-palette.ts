/**
 * Label values and their display names and colours. 0-3 are CAMUS's convention (0 background, 1 LV cavity,
 * 2 myocardium, 3 left atrium); 4 and 5 (right ventricle, right atrium) are what four-chamber phantom hearts and
 * packs with a right heart add. Other values get distinct generated colours, so any label map can be shown.
 */
export interface LabelInfo {
  value: number;
  name: string;
  rgb: [number, number, number];
}

export const DEFAULT_LABELS: readonly LabelInfo[] = [
  { value: 1, name: 'LV cavity', rgb: [220, 60, 60] },
  { value: 2, name: 'Myocardium', rgb: [60, 200, 90] },
  { value: 3, name: 'Left atrium', rgb: [70, 110, 230] },
  { value: 4, name: 'Right ventricle', rgb: [230, 190, 60] },
  { value: 5, name: 'Right atrium', rgb: [180, 80, 220] },
];

/** A label's display info: the palette's, or a generated colour (golden-angle hues) for other values. */
export function labelInfo(value: number, palette: readonly LabelInfo[] = DEFAULT_LABELS): LabelInfo {
  const known = palette.find((l) => l.value === value);
  if (known) return known;
  const h = (value * 137.508) % 360;
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (0.55 - 0.45 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return { value, name: `Label ${value}`, rgb: [f(0), f(8), f(4)] };
}
