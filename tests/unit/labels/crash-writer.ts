/**
 * Child process for store.test.ts's crash test: saves revision after revision of a 4-frame draft as fast as it
 * can until it is killed. The content of every frame is a pure function of (revision, frame), so after a kill
 * the test can tell whether what survived is one whole revision.
 *   node crash-writer.ts DB_PATH IMAGE_PATH
 */
import { LabelStore } from '../../../src/main/services/labels/label-store.ts';
import { contentOf, CRASH_FRAMES, CRASH_SIZE } from './crash-content.ts';

const [dbPath, imagePath] = process.argv.slice(2);
const store = new LabelStore(dbPath);
const key = { kind: 'dicom-file' as const, path: imagePath };
let revision = store.draft(key)?.revision ?? null;
const palette = [
  { value: 0, name: 'background', color: '#000000' },
  { value: 1, name: 'LV cavity', color: '#ff3b30' },
  { value: 2, name: 'myocardium', color: '#34c759' },
  { value: 3, name: 'left atrium', color: '#0a84ff' },
];
process.stdout.write('ready\n');
for (;;) {
  const next = (revision ?? 0) + 1;
  const frames = Array.from({ length: CRASH_FRAMES }, (_, frame) => ({ frame, data: contentOf(next, frame) }));
  revision = store.put({ key, width: CRASH_SIZE, height: CRASH_SIZE, frameCount: CRASH_FRAMES, frames, palette, expectedRevision: revision }).revision;
}
