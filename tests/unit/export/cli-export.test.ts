/**
 * `cardiosynth export` as a user runs it: usage errors with exit 2 and a message, layouts not yet built
 * answered plainly, --from with --save-recipe giving a recipe that reruns to the same export, JSON-lines
 * progress when piped and a bar with ETA on a terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgress, formatDuration, progressLine } from '../../../src/cli/progress.ts';
import { BIN, cli, FIXED_EPOCH, ROOT, tempDir, treeChecksums } from './helpers.ts';

const tmp = tempDir('cli');
const env = { CARDIOSYNTH_DATA_DIR: join(tmp, 'data') };
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const study = join(ROOT, 'resources/default-study');

describe('cardiosynth export: usage', () => {
  it('is listed, has help, and answers bad usage with exit 2 and a message', () => {
    expect(cli(['--help']).stdout).toMatch(/export\s+write a dataset/);
    const help = cli(['export', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--shard I\/K[\s\S]*--resume[\s\S]*export merge DIR/);
    const recipe = join(tmp, 'bad.json');
    writeFileSync(recipe, JSON.stringify({ format: 'cardiosynth-recipe/1', name: 'b', layout: 'png', sources: ['x'], split: { train: 2, val: 0, test: 0 } }));
    const cases: Array<[string[], RegExp]> = [
      [['export', '--from', study], /--out DIR is required/],
      [['export', '--out', join(tmp, 'o')], /give either --recipe FILE or --from PATH/],
      [['export', '--from', study, '--out', join(tmp, 'o')], /--layout is required with --from/],
      [['export', '--from', study, '--layout', 'nrrd', '--out', join(tmp, 'o')], /--layout must be one of dicom, png, camus, echonet/],
      [['export', '--from', study, '--layout', 'png', '--out', join(tmp, 'o'), '--shard', '4/3'], /--shard must be I\/K with 1 <= I <= K/],
      [['export', '--from', study, '--layout', 'png', '--out', join(tmp, 'o'), '--shard', 'x'], /--shard must be I\/K/],
      [['export', '--recipe', recipe, '--out', join(tmp, 'o')], /bad\.json: split\.train/],
      [['export', '--recipe', join(tmp, 'none.json'), '--out', join(tmp, 'o')], /none\.json: cannot read the recipe \(no such file\)/],
      [['export', '--from', join(tmp, 'missing'), '--layout', 'png', '--out', join(tmp, 'o')], /missing: no such file or folder/],
      [['export', 'merge'], /give the export folders/],
      [['export', 'merge', tmp], /holds no Cardiosynth export/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('says plainly why a DICOM cine cannot go into the CAMUS or EchoNet layout, before writing anything', () => {
    for (const layout of ['camus', 'echonet']) {
      const r = cli(['export', '--from', study, '--layout', layout, '--out', join(tmp, `o-${layout}`)], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`1 of the 1 planned items cannot go into the ${layout} layout:\\n  1 item\\(s\\): its view is unknown; .*phantom-a4c\\.dcm\\)\\nNothing was written\\. .*--skip-unfit`));
      expect(existsSync(join(tmp, `o-${layout}`))).toBe(false);
    }
  });
});

describe('cardiosynth export: runs', () => {
  it('exports a study with --from, saves the recipe, and the recipe reruns to the same files', () => {
    const saved = join(tmp, 'saved.json');
    const a = cli(['export', '--from', study, '--layout', 'dicom', '--out', join(tmp, 'a'), '--save-recipe', saved], env);
    expect(a.code, a.stderr).toBe(0);
    const events = a.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.type)).toEqual(['start', 'item', 'done', 'summary']);
    expect(events[1]).toMatchObject({ done: 1, total: 1, itemId: expect.stringMatching(/^S[0-9a-f]{12}$/) });
    expect(events[3]).toMatchObject({ written: 1, indexed: true, layout: 'dicom' });
    const recipe = JSON.parse(readFileSync(saved, 'utf8'));
    expect(recipe).toMatchObject({ format: 'cardiosynth-recipe/1', layout: 'dicom', sources: [study], split: { method: 'hash' } });
    const b = cli(['export', '--recipe', saved, '--out', join(tmp, 'b')], env);
    expect(b.code, b.stderr).toBe(0);
    expect(treeChecksums(join(tmp, 'b'))).toEqual(treeChecksums(join(tmp, 'a')));
    const again = cli(['export', '--recipe', saved, '--out', join(tmp, 'b')], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds this export; pass --resume/);
    expect(again.stdout).toMatch(/"type":"error","kind":"conflict"/);
  });

  const haveScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!haveScript)('draws a progress bar with items/min and ETA on a terminal', () => {
    const recipe = join(tmp, 'tty.json');
    writeFileSync(recipe, JSON.stringify({
      format: 'cardiosynth-recipe/1', name: 'tty', layout: 'png', sources: [],
      synthetic: { generator: { kind: 'phantom' }, width: 48, height: 48, frames: 6, fps: 12, standalone: { patients: 2, views: ['2CH'] } },
    }));
    const cmd = `${BIN} export --recipe ${recipe} --out ${join(tmp, 'tty-out')}`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, ...env, SOURCE_DATE_EPOCH: FIXED_EPOCH }, timeout: 120_000 });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/\[#{15}\.{15}\] 1\/2 items {2}[\d.]+ items\/min {2}ETA \d+s/);
    expect(r.stdout).toMatch(/\[#{30}\] 2\/2 items .*done in \d+s/);
    expect(r.stdout).toMatch(/export: 2 item\(s\) written, 0 already there[\s\S]*complete, with manifest\.csv and manifest\.json/);
    expect(r.stdout).not.toMatch(/"type":/);
  });

  it('stops on Ctrl-C (exit 130), and --resume finishes the export', async () => {
    const recipe = join(tmp, 'sigint.json');
    writeFileSync(recipe, JSON.stringify({
      format: 'cardiosynth-recipe/1', name: 'sigint', layout: 'png', sources: [],
      synthetic: { generator: { kind: 'phantom' }, width: 48, height: 48, frames: 6, fps: 12, standalone: { patients: 4, views: ['2CH'] } },
    }));
    const out = join(tmp, 'sigint-out');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(BIN, ['export', '--recipe', recipe, '--out', out], { env: { ...process.env, ...env, SOURCE_DATE_EPOCH: FIXED_EPOCH } });
      let so = '';
      let se = '';
      p.stdout.on('data', (c: Buffer) => {
        so += c.toString();
        if (/"type":"item"/.test(so) && !p.killed) p.kill('SIGINT');
      });
      p.stderr.on('data', (c: Buffer) => { se += c.toString(); });
      p.on('close', (c) => resolve({ code: c, stdout: so, stderr: se }));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/stopping; whole items are kept[\s\S]*export cancelled after \d of 4 items; resuming it \(--resume\) continues from there/);
    expect(stdout).toMatch(/"type":"error","kind":"cancelled"/);
    const r = cli(['export', '--recipe', recipe, '--out', out, '--resume'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ type: 'summary', indexed: true, inShard: 4 });
  });

  it('formats progress lines and durations', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(7300)).toBe('2h01m');
    expect(progressLine({ type: 'item', done: 3, total: 12, elapsedS: 30, etaS: 90, itemsPerMin: 6 }, 12)).toBe('[###.........] 3/12 items  6.0 items/min  ETA 1m30s');
    const seen: string[] = [];
    const sink = createProgress(false, () => undefined, (s) => seen.push(s));
    sink.update({ type: 'start', done: 0, total: 2, elapsedS: 0.0123, etaS: null, itemsPerMin: null });
    expect(JSON.parse(seen[0])).toEqual({ type: 'start', done: 0, total: 2, elapsedS: 0.01, etaS: null, itemsPerMin: null });
  });
});
