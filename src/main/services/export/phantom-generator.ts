/**
 * The phantom generator: a seeded phantom heart (phantom/generatePhantom: label-map cine with the requested
 * EF) rendered to B-mode (phantom/createBmodeRenderer) at the requested image quality. Its label maps are the
 * ground truth of its images, so every item comes with masks; the measured EF is the method of discs on the
 * ED and ES maps, independent of how the phantom realised the request.
 */
import { createBmodeRenderer, discVolumeMl, generatePhantom, measureEfSinglePlane, PHANTOM_PALETTE, traceLv } from '../phantom/index.ts';
import type { LabelSet } from './item.ts';
import type { SyntheticGenerator, SyntheticRequest, SyntheticResult } from './generator.ts';

export const PHANTOM_LABEL_SET: LabelSet = {
  names: Object.fromEntries(PHANTOM_PALETTE.map((p) => [p.value, p.name])),
  maxLabel: Math.max(...PHANTOM_PALETTE.map((p) => p.value)),
};

/** EF limits of the phantom model (phantom-sequence.ts refuses values outside 10-85). */
const EF_MIN = 10;
const EF_MAX = 85;

export function createPhantomGenerator(softwareVersion: string): SyntheticGenerator {
  return {
    id: 'phantom',
    labelSet: PHANTOM_LABEL_SET,
    conditionsOnSource: false,
    makesCines: true,
    fingerprint: `phantom@${softwareVersion}`,
    async generate(req: SyntheticRequest, signal?: AbortSignal): Promise<SyntheticResult> {
      signal?.throwIfAborted();
      const efPercent = Math.min(EF_MAX, Math.max(EF_MIN, req.efPercent));
      const seq = generatePhantom({ seed: req.seed, view: req.view, efPercent, frameRateHz: req.fps, frames: req.frames, width: req.width, height: req.height });
      const renderer = createBmodeRenderer({ geometry: seq.geometry, motion: seq.motion }, { quality: req.quality, seed: req.seed });
      const { width, height } = seq.geometry;
      const wanted = req.output === 'cine' ? seq.labels.map((_, i) => i) : req.output === 'ed-es' ? [seq.edFrame, seq.esFrame] : [req.phase === 'ES' ? seq.esFrame : seq.edFrame];
      const frames: Uint8Array[] = [];
      const labels = new Map<number, Uint8Array>();
      for (const [i, f] of wanted.entries()) {
        signal?.throwIfAborted();
        frames.push(renderer.render(f, seq.labels[f]).image);
        labels.set(i, seq.labels[f]);
        // Rendering is CPU-bound; yielding lets a cancel or a progress write through between frames.
        await new Promise<void>((r) => setImmediate(r));
      }
      const efMeasured = Math.round(measureEfSinglePlane(seq.labels[seq.edFrame], seq.labels[seq.esFrame], width, height, 'discs') * 10) / 10;
      const sp = seq.geometry.pixelSpacingMm;
      const volume = (f: number): number => Math.round(discVolumeMl(traceLv(seq.labels[f], width, height), sp) * 100) / 100;
      return {
        width, height, frames, labels, labelSet: PHANTOM_LABEL_SET,
        pixelSpacingMm: seq.geometry.pixelSpacingMm,
        fps: seq.frameRateHz,
        edFrame: req.output === 'cine' ? seq.edFrame : req.output === 'ed-es' ? 0 : req.phase === 'ES' ? null : 0,
        esFrame: req.output === 'cine' ? seq.esFrame : req.output === 'ed-es' ? 1 : req.phase === 'ES' ? 0 : null,
        efMeasured,
        edvMl: volume(seq.edFrame),
        esvMl: volume(seq.esFrame),
        sequence: req.output === 'cine' ? 'cine' : 'stills',
        sex: seq.patient.sex,
        age: seq.patient.ageYears,
        provenance: {
          generator: 'phantom',
          packId: `cardiosynth-phantom@${softwareVersion}`,
          packSha256: null,
          prompt: req.prompt,
          negativePrompt: req.negativePrompt,
          seed: req.seed,
          scheduler: null, steps: null, guidance: null, controlScale: null,
          labelMap: `phantom heart (seed ${req.seed}, ${req.view}, EF ${efPercent.toFixed(1)}%)`,
        },
      };
    },
  };
}
