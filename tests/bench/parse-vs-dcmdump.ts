/**
 * dicom.parse_vs_dcmdump: our header parse time per file over dcmdump's, same files, same run.
 *
 * Fairness: dcmdump only runs as a process, and a process pays start-up (for us, Node's ~50 ms; for dcmdump,
 * loading its data dictionary) that has nothing to do with parsing. Both sides are therefore measured the same
 * way: one process parses the file list repeated K times, another 2K times, and the per-file time is
 * (T(2K) - T(K)) / (K * files). Start-up, dictionary loading and module loading cancel in the difference;
 * what remains is the steady per-file cost of reading and parsing a header. dcmdump runs with -M (do not load
 * long values such as pixel data), matching our header-only read; its output goes to a pipe we discard, and
 * our side runs what `cardiosynth inspect FILE...` runs (inspectPaths: header-only reads with several files in
 * flight, then the instance summary), so each does its normal work on a header. Each T is the minimum of 7
 * interleaved runs, in CPU time (user+sys of the child process) so other load on the machine does not skew it; wall time is
 * recorded beside it.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { figure, type Figure } from './figures.ts';

/** Interleaved rounds of the four runs; the minimum of each is used. */
const ROUNDS = 7;

interface Cost {
  wall: number;
  /** user + sys CPU of the child and its threads, from bash's `times`: steadier than wall time on a busy machine. */
  cpu: number;
}

function cost(cmd: string, args: string[]): Cost {
  const t0 = performance.now();
  // `times` prints the shell's then its children's user/sys time; the second line is the command's.
  const r = spawnSync('bash', ['-c', '"$@" >/dev/null 2>&1; s=$?; times; exit $s', 'bash', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = performance.now() - t0;
  if (r.status !== 0 && cmd !== 'dcmdump') throw new Error(`${cmd} failed with status ${r.status}`);
  const line = r.stdout.trim().split('\n')[1] ?? '';
  const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`cannot read CPU times from bash: "${r.stdout}"`);
  return { wall, cpu: (secs[0] + secs[1]) * 1000 };
}

export function parseVsDcmdump(files: string[], tmp: string, repoRoot: string): Record<string, Figure> {
  const target = { op: '<=' as const, limit: 1.0 };
  if (files.length === 0) return { 'dicom.parse_vs_dcmdump': figure(null, 'ratio', target, 'skipped: no DICOM files') };
  const probe = spawnSync('dcmdump', ['--version'], { stdio: 'ignore' });
  if (probe.error) return { 'dicom.parse_vs_dcmdump': figure(null, 'ratio', target, 'skipped: dcmdump not installed (apt-get install dcmtk)') };

  // Aim for ~1500 parses in the K run so the difference is well above timer and scheduling noise.
  const k = Math.max(4, Math.ceil(1500 / files.length));
  const listFile = join(tmp, 'parse-list.txt');
  writeFileSync(listFile, files.join('\n'));
  const node = process.execPath;
  const child = join(repoRoot, 'tests', 'bench', 'parse-headers.ts');
  const ours = (times: number) => cost(node, [child, listFile, String(times)]);
  const theirs = (times: number) => cost('dcmdump', ['-M', ...Array.from({ length: times }, () => files).flat()]);

  ours(1); // warm the page cache and Node's compile cache
  theirs(1);
  // Interleaved runs, and the minimum of each: other load on the machine only ever adds time, so the minimum
  // is the run least disturbed by it (the median still moved by 2-4x when other work shared the two cores).
  const runs: Record<'oursK' | 'ours2K' | 'theirsK' | 'theirs2K', Cost[]> = { oursK: [], ours2K: [], theirsK: [], theirs2K: [] };
  for (let i = 0; i < ROUNDS; i++) {
    runs.oursK.push(ours(k));
    runs.theirsK.push(theirs(k));
    runs.ours2K.push(ours(2 * k));
    runs.theirs2K.push(theirs(2 * k));
  }
  const least = (list: Cost[]): Cost => ({ wall: Math.min(...list.map((r) => r.wall)), cpu: Math.min(...list.map((r) => r.cpu)) });
  const oursK = least(runs.oursK);
  const ours2K = least(runs.ours2K);
  const theirsK = least(runs.theirsK);
  const theirs2K = least(runs.theirs2K);
  const per = (a: Cost, b: Cost, key: keyof Cost) => (b[key] - a[key]) / (k * files.length);
  const ratioCpu = per(oursK, ours2K, 'cpu') / per(theirsK, theirs2K, 'cpu');
  const ratioWall = per(oursK, ours2K, 'wall') / per(theirsK, theirs2K, 'wall');
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return {
    'dicom.parse_vs_dcmdump': figure(ratioCpu, 'ratio', target, 'per-file header parse cost, ours / dcmdump -M, in CPU time (user+sys); each per-file cost is the difference of K and 2K passes over the same file list in one process, so process start-up cancels; minimum of 7 interleaved runs each (see tests/bench/parse-vs-dcmdump.ts). wall_ratio is the same in wall-clock time', {
      wall_ratio: r3(ratioWall),
      files: files.length,
      k,
      ours_ms_per_file: { cpu: r3(per(oursK, ours2K, 'cpu')), wall: r3(per(oursK, ours2K, 'wall')) },
      dcmdump_ms_per_file: { cpu: r3(per(theirsK, theirs2K, 'cpu')), wall: r3(per(theirsK, theirs2K, 'wall')) },
    }),
  };
}
