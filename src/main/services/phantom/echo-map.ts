/**
 * Echogenicity (scattering amplitude) per pixel from a label map. Labels say only "cavity", "muscle", "atrium";
 * what an echo shows around them is inferred here: a bright pericardium just outside the LV wall, thin
 * chamber walls and septa around the other blood pools, and mid-grey surrounding tissue.
 */
import { PHANTOM_LABELS } from './palette.ts';
import type { QualityPreset } from './image-quality.ts';

/** Two-pass 3-4 chamfer distance (pixels) to the nearest pixel where `isSource` holds. */
export function chamferDistance(labels: Uint8Array, width: number, height: number, isSource: (label: number) => boolean): Float32Array {
  const big = 1e9;
  const d = new Float32Array(width * height);
  for (let k = 0; k < d.length; k++) d[k] = isSource(labels[k]) ? 0 : big;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const k = j * width + i;
      let v = d[k];
      if (i > 0) v = Math.min(v, d[k - 1] + 3);
      if (j > 0) {
        v = Math.min(v, d[k - width] + 3);
        if (i > 0) v = Math.min(v, d[k - width - 1] + 4);
        if (i < width - 1) v = Math.min(v, d[k - width + 1] + 4);
      }
      d[k] = v;
    }
  }
  for (let j = height - 1; j >= 0; j--) {
    for (let i = width - 1; i >= 0; i--) {
      const k = j * width + i;
      let v = d[k];
      if (i < width - 1) v = Math.min(v, d[k + 1] + 3);
      if (j < height - 1) {
        v = Math.min(v, d[k + width] + 3);
        if (i < width - 1) v = Math.min(v, d[k + width + 1] + 4);
        if (i > 0) v = Math.min(v, d[k + width - 1] + 4);
      }
      d[k] = v;
    }
  }
  for (let k = 0; k < d.length; k++) d[k] /= 3;
  return d;
}

export interface EchoMap {
  /** Amplitude echogenicity per pixel. */
  echo: Float32Array;
  /** 1 where the pixel is plain surrounding tissue (which gets coarse texture), 0 elsewhere. */
  tissue: Uint8Array;
  /** 1 for blood (whose speckle decorrelates between frames because blood flows). */
  blood: Uint8Array;
}

export function echoMap(labels: Uint8Array, width: number, height: number, pixelSpacingMm: number, q: QualityPreset): EchoMap {
  const L = PHANTOM_LABELS;
  const isBlood = (l: number): boolean => l === L.lvCavity || l === L.leftAtrium || l === L.rightVentricle || l === L.rightAtrium;
  const dMyo = chamferDistance(labels, width, height, (l) => l === L.myocardium);
  const dPool = chamferDistance(labels, width, height, (l) => l === L.leftAtrium || l === L.rightVentricle || l === L.rightAtrium);
  const dHeart = chamferDistance(labels, width, height, (l) => l !== L.background);
  const echo = new Float32Array(width * height);
  const tissue = new Uint8Array(width * height);
  const blood = new Uint8Array(width * height);
  // Closed mitral and tricuspid leaflets: a bright line where a ventricle meets its atrium (CAMUS ED and ES
  // frames are both taken with the valves closed).
  const partner = (l: number): number => (l === L.lvCavity ? L.leftAtrium : l === L.leftAtrium ? L.lvCavity : l === L.rightVentricle ? L.rightAtrium : l === L.rightAtrium ? L.rightVentricle : -1);
  const isValve = (k: number): boolean => {
    const other = partner(labels[k]);
    if (other < 0) return false;
    const i = k % width;
    return (i > 0 && labels[k - 1] === other) || (i < width - 1 && labels[k + 1] === other) || (k >= width && labels[k - width] === other) || (k + width < labels.length && labels[k + width] === other);
  };
  for (let k = 0; k < echo.length; k++) {
    const l = labels[k];
    if (isBlood(l)) {
      echo[k] = isValve(k) ? q.myocardiumEcho * 0.8 : q.bloodEcho;
      blood[k] = 1;
    } else if (l === L.myocardium) {
      echo[k] = q.myocardiumEcho;
    } else {
      const mm = dMyo[k] * pixelSpacingMm;
      const pm = dPool[k] * pixelSpacingMm;
      const hm = dHeart[k] * pixelSpacingMm;
      // Pericardium: a bright sheet about 1-4 mm outside the epicardium, fainter around the atria (the
      // posterior pericardium and atrioventricular groove fat behind them in apical views).
      const peri = Math.max(0.75 * Math.exp(-(((mm - 2) / 1.3) ** 2)), 0.45 * Math.exp(-(((hm - 4.5) / 2.2) ** 2)));
      // Walls of the atria and right ventricle (and the septa between them), ~3 mm thick.
      const wall = pm <= 3.5 ? 1 - pm / 6 : 0;
      // Epicardial fat and mediastinal tissue: a few millimetres of mid-grey outside the pericardium, fading
      // into the darker, mottled surroundings.
      const fat = q.myocardiumEcho * 0.55 * Math.exp(-Math.max(0, hm - 5) / 6);
      echo[k] = Math.max(q.tissueEcho, fat, peri, q.myocardiumEcho * 1.1 * wall);
      tissue[k] = peri < 0.3 && wall === 0 ? 1 : 0;
    }
  }
  return { echo, tissue, blood };
}
