/**
 * The grey-level encoding of label maps used by ControlNet training code for CAMUS: grey = round(255 * label /
 * max_label), with max_label the palette's largest value (3 for CAMUS: 0, 85, 170, 255), not the largest value
 * present, so a map without a left atrium still encodes the myocardium as 170.
 */

export function greyOf(label: number, maxLabel: number): number {
  if (maxLabel <= 0) return 0;
  return Math.round((255 * label) / maxLabel);
}

/** label -> grey for 0..maxLabel. Throws when two labels would share a grey level (maxLabel > 255). */
export function greyTable(maxLabel: number): Uint8Array {
  if (!Number.isInteger(maxLabel) || maxLabel < 1 || maxLabel > 255) throw new RangeError(`max label ${maxLabel} is not an integer in 1..255`);
  const t = new Uint8Array(maxLabel + 1);
  for (let l = 0; l <= maxLabel; l++) t[l] = greyOf(l, maxLabel);
  return t;
}

/** grey -> label for the 256 grey levels; -1 where a grey level encodes no label. */
export function greyDecodeTable(maxLabel: number): Int16Array {
  const enc = greyTable(maxLabel);
  const dec = new Int16Array(256).fill(-1);
  for (let l = 0; l <= maxLabel; l++) dec[enc[l]] = l;
  return dec;
}
