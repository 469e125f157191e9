/** Whole-frame operations: clear a label, copy one frame's map onto another (locks respected). */
import type { EditSession } from './edit-session.ts';

/** Sets every pixel of `label` to background. Returns the pixels cleared. */
export function clearLabel(s: EditSession, label: number): number {
  if (s.locked[0] || s.locked[label]) return 0;
  let n = 0;
  const d = s.data;
  for (let i = 0; i < d.length; i++) {
    if (d[i] === label) {
      s.set(i, 0);
      n++;
    }
  }
  return n;
}

/**
 * Makes the session's frame equal to `source` (copy to another frame, load a file), except where the target
 * pixel's label is locked: those pixels are kept. Locked labels of the source are copied like any other.
 */
export function copyMap(s: EditSession, source: Uint8Array): void {
  if (source.length !== s.data.length) throw new RangeError(`cannot copy a map of ${source.length} pixels onto one of ${s.data.length}`);
  const d = s.data;
  for (let i = 0; i < d.length; i++) if (d[i] !== source[i]) s.set(i, source[i]);
}
