/**
 * The CLIP BPE tokenizer against an independent Python implementation of CLIP's algorithm (clip_bpe.py), on a
 * tiny pack's vocabulary and on a larger one learned from medical text; and the noise generator against its
 * Python twin (prng.py), which the parity reference relies on.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/main/services/inference/pipeline/prng.ts';
import { ClipTokenizer, cleanText } from '../../../src/main/services/inference/tokenizer/clip-tokenizer.ts';
import { PYTHON, pythonMissing, runPythonJson } from '../../support/python.ts';
import { PACK_SCRIPTS, tinyPack, tinyPacksMissing } from '../../support/tiny-packs.ts';
import { spawnSync } from 'node:child_process';

const TEXTS = [
  'apical 4CH echo, ED, good quality, female, age 40-59, EF 55-70',
  'Apical 2CH   ECHO,\tES,  poor quality, male, age 80+, EF <40',
  "it's the patient's LV; don't over-segment!!",
  'EF 55-70%  (Simpson biplane) — 3.5 MHz probe, 120 bpm',
  'Échocardiographie apicale 4 cavités, ventricule gauche dilaté',
  '心尖四腔心切面 超声 tests',
  'emoji 🫀 heart\u200b zero\u2003width and <|endoftext|> inside',
  'ＦＵＬＬＷＩＤＴＨ letters and ﬁ ligatures',
  '',
  'a '.repeat(100),
];

const CORPUS = [
  'The left ventricle is dilated with reduced ejection fraction and apical hypokinesis.',
  'Apical four chamber view shows the right ventricle, left atrium and mitral valve.',
  'Echocardiography of the myocardium: speckle tracking strain, ejection fraction, end diastole, end systole.',
  'Patients with heart failure are assessed by transthoracic echocardiography and cardiac magnetic resonance.',
  'Segmentation of the left ventricular cavity and myocardium in two and four chamber views.',
];

function python(texts: string[], vocab: string, merges: string, maxLength: number, pad: string, learn?: unknown) {
  return runPythonJson<{ padded: number[][]; raw: number[][] }>(join(PACK_SCRIPTS, 'tokenize_ref.py'), { vocab, merges, max_length: maxLength, pad, texts, learn });
}

function tokenizerFrom(dir: string, maxLength: number, config: Record<string, unknown>): ClipTokenizer {
  return new ClipTokenizer(
    { vocab: JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')), merges: readFileSync(join(dir, 'merges.txt'), 'utf8'), config },
    maxLength,
  );
}

const noTorch = tinyPacksMissing();
const noNumpy = pythonMissing(['numpy']);

describe.skipIf(noTorch !== null)('CLIP tokenizer matches the Python CLIP BPE', () => {
  it('on the tiny pack vocabulary, padded and truncated as diffusers does', () => {
    const pack = tinyPack('ours');
    const dir = join(pack.dir, 'tokenizer');
    const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    const tok = tokenizerFrom(dir, 16, config);
    const ref = python(TEXTS, join(dir, 'vocab.json'), join(dir, 'merges.txt'), 16, '<|endoftext|>');
    TEXTS.forEach((t, i) => {
      expect(tok.tokenize(t), JSON.stringify(t)).toEqual(ref.raw[i]);
      const enc = tok.encode(t);
      expect(enc.ids, JSON.stringify(t)).toEqual(ref.padded[i]);
      expect(enc.ids).toHaveLength(16);
      expect(enc.truncated).toBe(ref.raw[i].length > 14);
    });
    // bos first, eos after the text, then padding
    const e = tok.encode('ED');
    expect(e.ids[0]).toBe(tok.bosId);
    expect(e.ids.indexOf(tok.eosId)).toBe(1 + e.length);
  });

  it('on a larger learned vocabulary with a different pad token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardiosynth-tok-'));
    const vocab = join(dir, 'vocab.json');
    const merges = join(dir, 'merges.txt');
    const ref = python(TEXTS, vocab, merges, 77, '!', { corpus: CORPUS, merges: 600 });
    const tok = tokenizerFrom(dir, 77, { model_max_length: 77, pad_token: '!', bos_token: { content: '<|startoftext|>' } });
    expect(tok.vocabSize).toBeGreaterThan(600); // 512 byte tokens, the merges the corpus allows, 2 specials
    TEXTS.forEach((t, i) => expect(tok.encode(t).ids, JSON.stringify(t)).toEqual(ref.padded[i]));
    // Words of the corpus become single tokens once merged.
    expect(tok.tokenize('ventricle')).toHaveLength(1);
  });
});

describe('CLIP tokenizer files', () => {
  it('cleans text as transformers does without ftfy', () => {
    expect(cleanText('  Apical\u00a0\u00a04CH\n\nECHO\u0007 ')).toBe('apical 4ch echo');
    expect(cleanText('超声')).toBe('超 声');
    expect(cleanText('e\u0301cho')).toBe('écho'); // NFC
  });

  it('refuses files that disagree with the manifest, naming the file', () => {
    const vocab = { a: 0, '<|startoftext|>': 1, '<|endoftext|>': 2 };
    expect(() => new ClipTokenizer({ vocab, merges: '#version: 0.2\na b c\n', config: {} }, 8)).toThrow(/tokenizer\/merges\.txt: line 2 is not "a b"/);
    expect(() => new ClipTokenizer({ vocab, merges: '', config: { model_max_length: 77 } }, 16)).toThrow(/tokenizer_config\.json: model_max_length 77 differs from the manifest's text\.max_length 16/);
    expect(() => new ClipTokenizer({ vocab: { a: 0 }, merges: '', config: {} }, 8)).toThrow(/vocab\.json: has no bos_token "<\|startoftext\|>"/);
  });
});

describe.skipIf(noNumpy !== null)('noise generator', () => {
  it('draws the same normals as its Python twin for several seeds', () => {
    const seeds = [0, 1, 42, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER];
    const code = `import json,sys; sys.path.insert(0, ${JSON.stringify(PACK_SCRIPTS)}); from prng import Prng
print(json.dumps([Prng(s).normal(1001).astype(float).tolist() for s in ${JSON.stringify(seeds)}]))`;
    const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status, r.stderr).toBe(0);
    const ref = JSON.parse(r.stdout) as number[][];
    seeds.forEach((s, i) => {
      const ours = new Prng(s).normal(1001);
      let maxDiff = 0;
      for (let j = 0; j < ours.length; j++) maxDiff = Math.max(maxDiff, Math.abs(ours[j] - ref[i][j]));
      expect(maxDiff, `seed ${s}`).toBeLessThan(1e-6);
    });
  });

  it('is standard normal and differs between seeds', () => {
    const x = new Prng(7).normal(200_000);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    expect(new Prng(7).normal(8)).toEqual(new Prng(7).normal(8));
    expect(new Prng(7).normal(8)).not.toEqual(new Prng(8).normal(8));
    expect(() => new Prng(-1)).toThrow(/seed must be an integer/);
  });
});
