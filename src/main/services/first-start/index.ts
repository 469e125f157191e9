/** The first start: the embedded demo dataset in the catalog and what the viewer opens first (first-start.ts). */
export { DEMO_DATASET_DIR, DEMO_IMPORT_TITLE, FIRST_START_FILE, FirstStart } from './first-start.ts';
export type { FirstStartOptions } from './first-start.ts';
