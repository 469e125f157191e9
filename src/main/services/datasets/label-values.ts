/** Label values present in a label-map file (CAMUS _gt: 0 background, 1 LV cavity, 2 myocardium, 3 LA). */
import { readMetaImage } from './metaimage-reader.ts';
import { readNifti } from './nifti-reader.ts';
import { distinctValues } from './volume.ts';
import type { Volume } from './volume.ts';

export async function readVolume(path: string): Promise<Volume> {
  return /\.(mhd|mha)$/i.test(path) ? readMetaImage(path) : readNifti(path);
}

export function labelValuesOf(v: Volume): number[] {
  return distinctValues(v.data);
}

export function mergeValues(a: number[], b: number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}
