/**
 * `bin/cardiosynth generate` as a user runs it: PNGs and sidecars in --out, read back with PIL (another PNG
 * reader than ours), the same seed giving the same pixels across runs, and exit 2 with a message naming the
 * file and the problem for a bad pack or bad input.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, pythonMissing } from '../../support/python.ts';
import { ellipseLabels } from '../../support/label-maps.ts';
import { PACK_SCRIPTS, tinyPack, tinyPacksMissing } from '../../support/tiny-packs.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin', 'cardiosynth');
const missing = tinyPacksMissing() ?? pythonMissing(['PIL', 'nibabel']);
if (missing) console.warn(`generate.test.ts skipped: ${missing}`);

function run(args: string[]) {
  const r = spawnSync(BIN, ['generate', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, CARDIOSYNTH_THREADS: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Pixels and text chunks of a PNG as PIL reads them. */
function pil(path: string): { size: number[]; mode: string; text: Record<string, string>; pixels: number[] } {
  const code = `import json,sys; from PIL import Image; im=Image.open(sys.argv[1]); print(json.dumps({"size": im.size, "mode": im.mode, "text": im.text, "pixels": list(im.getdata())}))`;
  const r = spawnSync(PYTHON, ['-c', code, path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe.skipIf(missing !== null)('cli: generate', () => {
  let tmp: string;
  let pack: string;
  let labels: string;
  const common = () => ['--pack', pack, '--prompt', 'apical 2CH echo, ES', '--labels', labels, '--steps', '4', '--scheduler', 'euler', '--guidance', '2.5', '--control-scale', '0.8'];

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'cardiosynth-cli-gen-'));
    pack = tinyPack('ours').dir;
    writeFileSync(join(tmp, 'labels.u8'), ellipseLabels(40, 30));
    const r = spawnSync(PYTHON, [join(PACK_SCRIPTS, 'label_files.py'), join(tmp, 'labels.u8'), '40', '30', tmp], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    labels = join(tmp, 'grey.png');
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes K images with sidecars, prints their paths, and records the seeds', () => {
    const out = join(tmp, 'a');
    const r = run([...common(), '--seed', '41', '--count', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const printed = r.stdout.trim().split('\n');
    expect(printed).toHaveLength(2);
    expect(r.stderr).toMatch(/ran on cpu \(cuda skipped: .*; webgpu skipped: .*\)/);
    const files = readdirSync(out).sort();
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('.labels.png'))).toHaveLength(2);
    const sidecars = files.filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')));
    expect(sidecars.map((s) => s.seed).sort()).toEqual([41, 42]);
    const s = sidecars.find((x) => x.seed === 41);
    expect(s).toMatchObject({ synthetic: true, scheduler: { name: 'euler' }, steps: 4, guidance: 2.5, controlScale: 0.8, labelMap: { encodingDetected: 'grey', path: labels } });
    const img = pil(s.files.image);
    expect(img.size).toEqual([32, 32]);
    expect(img.mode).toBe('L');
    expect(img.text.Synthetic).toBe('true');
    expect(JSON.parse(img.text.cardiosynth)).toEqual(s);
    expect(img.text.parameters).toContain('Seed: 41');
  });

  it('gives the same pixels for the same seed in another run, to a folder outside the gallery', () => {
    const a = run([...common(), '--seed', '7', '--count', '1', '--out', join(tmp, 'b1'), '--json']);
    const b = run([...common(), '--seed', '7', '--count', '1', '--out', join(tmp, 'b2'), '--json', '--seed-mode', 'fixed']);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const ra = JSON.parse(a.stdout).results[0];
    const rb = JSON.parse(b.stdout).results[0];
    expect(pil(ra.files.image).pixels).toEqual(pil(rb.files.image).pixels);
  });

  it('runs img2img from a frame', () => {
    const r = run([...common(), '--seed', '3', '--count', '1', '--out', join(tmp, 'c'), '--init', join(tmp, 'source.png'), '--strength', '0.6', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({ strength: 0.6, init: { kind: 'file', path: join(tmp, 'source.png') } });
  });

  it('exits 2 with a clear message on a bad pack or bad input', () => {
    const broken = join(tmp, 'broken-pack');
    cpSync(pack, broken, { recursive: true });
    rmSync(join(broken, 'vae_decoder', 'model.onnx'));
    const out = join(tmp, 'bad');
    const cases: [string[], RegExp][] = [
      [['--prompt', 'x'], /--pack is required/],
      [[...common(), '--count', '1', '--out', out], /--seed is required/],
      [[...common(), '--seed', '1', '--count', '1', '--out', out, '--scheduler', 'plms'], /--scheduler must be one of ddim, dpmpp2m, euler, ddpm, not "plms"/],
      [[...common(), '--seed', '1', '--count', '1', '--out', out, '--guidance', 'lots'], /--guidance must be a number from 0 to 50, not "lots"/],
      [[...common(), '--seed', '1', '--count', '1', '--out', out, '--provider', 'tpu'], /--provider must be one of cuda, webgpu, cpu/],
      [[...common(), '--seed', '1', '--count', '1', '--out', out, '--init', join(tmp, 'source.png')], /--strength is required with --init/],
      [[...common(), '--seed', '1', '--count', '1', '--out', out, '--pack', broken], new RegExp(`${broken}/vae_decoder/model\\.onnx: missing`)],
      [[...common(), '--seed', '1', '--count', '1', '--out', out, '--pack', join(tmp, 'nowhere')], /nowhere: no such pack folder/],
      [[...common(), '--seed', '1', '--count', '1', '--out', out, '--labels', join(tmp, 'missing.png')], /missing\.png: no such file/],
      [[...common(), '--seed', '1', '--count', '1', '--out', out, '--labels', join(tmp, 'labels.nii.gz'), '--frame', '5'], /labels\.nii\.gz: frame 5 does not exist/],
      [[...common(), '--seed', '1', '--count', '1', '--out', out, '--labels', join(tmp, 'labels.u8')], /labels\.u8: label maps are read from PNG/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('documents itself', () => {
    const r = spawnSync(BIN, ['generate', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: cardiosynth generate --pack DIR --prompt TEXT');
    expect(r.stdout).toContain('--provider cpu|webgpu|cuda');
  });
});
