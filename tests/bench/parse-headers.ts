// Child process for dicom.parse_vs_dcmdump: reads the header of every file named in the list file, `times`
// passes over, through the same call `cardiosynth inspect FILE...` makes (inspectPaths: header-only reads,
// several files in flight, one summary per file).
// Usage: node tests/bench/parse-headers.ts LIST_FILE TIMES
import { readFileSync } from 'node:fs';
import { inspectPaths } from '../../src/main/services/dicom/index.ts';

const [listFile, timesArg] = process.argv.slice(2);
const files = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
const times = Number(timesArg);
let parsed = 0;
for (let t = 0; t < times; t++) {
  const { studies, errors } = await inspectPaths(files);
  if (errors.length > 0) throw new Error(`parse-headers: ${errors[0].path}: ${errors[0].message}`);
  parsed += studies.length;
}
process.stdout.write(`${parsed}\n`);
