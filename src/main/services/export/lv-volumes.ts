/**
 * LV volumes and EF from an item's ED and ES label maps (LV cavity 1, the left atrium 3 marking the valve), by
 * the method of discs (phantom/lv-measure.ts, as EchoNet's tracings are measured). Maps whose pixels are not
 * square (CAMUS) are first resampled (nearest) to square pixels of the finer spacing, so discs are measured in
 * millimetres; without a known pixel size the EF (a ratio) is still given, the volumes are not.
 */
import { resizeNearest } from '../inference/images/resample.ts';
import { discVolumeMl, ejectionFractionPercent, traceLv } from '../phantom/index.ts';

export interface LvMeasure {
  edvMl: number | null;
  esvMl: number | null;
  efPercent: number;
}

/** Null when the maps have no measurable LV (no cavity, or no atrium beside it). */
export function measureLv(ed: Uint8Array, es: Uint8Array, width: number, height: number, spacingRowColMm: [number, number] | null): LvMeasure | null {
  const [dy, dx] = spacingRowColMm ?? [1, 1];
  const sp = Math.min(dx, dy);
  const w = Math.max(1, Math.round((width * dx) / sp));
  const h = Math.max(1, Math.round((height * dy) / sp));
  try {
    const v = (l: Uint8Array): number => discVolumeMl(traceLv(resizeNearest(l, width, height, w, h), w, h), sp);
    const edv = v(ed);
    const esv = v(es);
    const round = (x: number): number => Math.round(x * 100) / 100;
    return {
      edvMl: spacingRowColMm ? round(edv) : null,
      esvMl: spacingRowColMm ? round(esv) : null,
      efPercent: Math.round(ejectionFractionPercent(edv, esv) * 10) / 10,
    };
  } catch {
    return null;
  }
}
