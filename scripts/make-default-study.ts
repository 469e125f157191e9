// Regenerates resources/default-study/ (run with `npm run make:default-study`, Node 24 type stripping).
// The output is committed; tests/unit/default-study checks a fresh regeneration is byte-identical.
import { dirname, join, relative } from 'node:path';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STUDY_DIR, writeDefaultStudy } from '../src/main/services/default-study/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] ?? join(root, DEFAULT_STUDY_DIR);
const started = performance.now();
const path = writeDefaultStudy(outDir);
const ms = Math.round(performance.now() - started);
console.log(`wrote ${relative(process.cwd(), path) || path} (${statSync(path).size} bytes) in ${ms} ms`);
