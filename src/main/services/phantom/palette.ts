/**
 * Label values of phantom label maps. 0-3 are the CAMUS convention (so CAMUS-trained code reads phantom maps
 * unchanged); the right heart, present only in four-chamber views, takes the next two values.
 */
export const PHANTOM_LABELS = {
  background: 0,
  lvCavity: 1,
  myocardium: 2,
  leftAtrium: 3,
  rightVentricle: 4,
  rightAtrium: 5,
} as const;

export type PhantomLabel = (typeof PHANTOM_LABELS)[keyof typeof PHANTOM_LABELS];

/** Display palette (RGB) and names, indexed by label value. */
export const PHANTOM_PALETTE: readonly { value: PhantomLabel; name: string; rgb: readonly [number, number, number] }[] = [
  { value: 0, name: 'background', rgb: [0, 0, 0] },
  { value: 1, name: 'LV cavity', rgb: [220, 60, 60] },
  { value: 2, name: 'myocardium', rgb: [60, 200, 90] },
  { value: 3, name: 'left atrium', rgb: [70, 110, 230] },
  { value: 4, name: 'right ventricle', rgb: [230, 190, 60] },
  { value: 5, name: 'right atrium', rgb: [180, 80, 220] },
];

export type PhantomView = '2CH' | '4CH';

/** The labels a view's maps may contain. */
export function labelsOfView(view: PhantomView): readonly PhantomLabel[] {
  return view === '4CH' ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3];
}
