#!/usr/bin/env node
// `npm test`: every check the project has, in order, stopping at the first stage that fails.
//   typecheck -> lint -> unit/integration (vitest) -> build (electron-vite) -> e2e (Playwright, Debian Chromium)
// Ends with one line, alone: "N passed, N failed, N skipped" summing vitest's and Playwright's JSON reports.
// Plain JavaScript so it runs on whichever Node starts it; the tools it spawns find Node 24 (the `node` npm
// package) first on PATH through node_modules/.bin.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Playwright empties its own output folder (test-results/) when it starts, so reports live elsewhere.
const reports = join(root, '.cache', 'test-reports');
const vitestJson = join(reports, 'vitest.json');
const playwrightJson = join(reports, 'playwright.json');
const bin = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson };

const counts = { passed: 0, failed: 0, skipped: 0 };
const counted = new Set();

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Adds a runner's figures once; returns false when its report is missing (it crashed before writing one). */
function addCounts(name) {
  if (counted.has(name)) return true;
  if (name === 'vitest') {
    const r = readJson(vitestJson);
    if (!r) return false;
    counts.passed += r.numPassedTests ?? 0;
    counts.failed += r.numFailedTests ?? 0;
    counts.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  } else {
    const r = readJson(playwrightJson);
    if (!r?.stats) return false;
    counts.passed += (r.stats.expected ?? 0) + (r.stats.flaky ?? 0);
    counts.failed += r.stats.unexpected ?? 0;
    counts.skipped += r.stats.skipped ?? 0;
  }
  counted.add(name);
  return true;
}

const summary = () => `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;

const stages = [
  { name: 'typecheck', cmd: ['npm', 'run', '--silent', 'typecheck'], hint: 'TypeScript errors above (tsc -p tsconfig.{node,web,shared}.json).' },
  { name: 'lint', cmd: ['npm', 'run', '--silent', 'lint'], hint: 'ESLint problems above; layering rules live in eslint.config.js.' },
  {
    name: 'unit and integration tests (vitest)',
    cmd: ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
    report: 'vitest',
    hint: 'failing vitest cases above; rerun one with `npx vitest run <file>`.',
  },
  { name: 'build (electron-vite)', cmd: ['electron-vite', 'build'], hint: 'the bundle did not build; the e2e tests need out/.' },
  {
    name: 'end-to-end tests (Playwright, Debian Chromium)',
    cmd: ['playwright', 'test', '--reporter=list,json'],
    report: 'playwright',
    hint: 'failing Playwright cases above; traces and screenshots are in test-results/. Chromium comes from `apt-get install chromium`.',
  },
];

rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const started = Date.now();
for (const [i, stage] of stages.entries()) {
  const [cmd, ...args] = stage.cmd;
  const exe = cmd === 'npm' ? cmd : join(bin, cmd);
  if (cmd !== 'npm' && !existsSync(exe)) {
    console.error(`\nnpm test: stage "${stage.name}" cannot run: ${exe} is missing. Run \`npm ci\` first.`);
    process.exit(1);
  }
  console.log(`\n=== [${i + 1}/${stages.length}] ${stage.name} ===`);
  const t0 = Date.now();
  const res = spawnSync(exe, args, { cwd: root, env, stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const reported = stage.report ? addCounts(stage.report) : true;
  if (res.error || res.status !== 0) {
    const why = res.error ? res.error.message : res.signal ? `killed by ${res.signal}` : `exit code ${res.status}`;
    console.error(`\nnpm test: stage "${stage.name}" failed (${why}, ${secs} s): ${stage.hint}`);
    if (counted.size > 0) console.log(summary());
    process.exit(res.status || 1);
  }
  if (!reported) {
    console.error(`\nnpm test: stage "${stage.name}" exited 0 but wrote no JSON report; cannot count its tests.`);
    process.exit(1);
  }
  console.log(`--- ${stage.name}: ok (${secs} s)`);
}
console.log(`\nAll stages passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
console.log(summary());
