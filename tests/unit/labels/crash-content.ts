/** The deterministic frame content of crash-writer.ts: a disc whose label and radius depend on the revision. */
export const CRASH_SIZE = 512;
export const CRASH_FRAMES = 4;

export function contentOf(revision: number, frame: number): Uint8Array {
  const data = new Uint8Array(CRASH_SIZE * CRASH_SIZE);
  const r = 40 + ((revision * 7 + frame * 13) % 200);
  const label = 1 + ((revision + frame) % 3);
  const c = CRASH_SIZE / 2;
  for (let y = 0; y < CRASH_SIZE; y++)
    for (let x = 0; x < CRASH_SIZE; x++) if ((x - c) ** 2 + (y - c) ** 2 < r * r) data[y * CRASH_SIZE + x] = label;
  data[revision % data.length] = 3; // a pixel that moves with every revision
  return data;
}
