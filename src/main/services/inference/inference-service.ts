/**
 * The inference service: model packs, generation jobs, results. Plain Node, shared by Electron main, `serve`
 * and the CLI. A generation request is checked and its inputs read here (pack validated, label map and frames
 * decoded and resampled) so bad input fails at once with a clear error; the images are then made one after
 * another in the worker as a job on the 'inference' queue, each saved with its provenance as soon as it is done.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { AppError } from '../../../shared/errors.ts';
import type { JobInfo } from '../../../shared/job-types.ts';
import type {
  ConditioningSource,
  EngineStatus,
  GenerateRequest,
  LabelMapPreview,
  PackListing,
  ResultComparison,
  ResultRecord,
  ResultSummary,
} from '../../../shared/inference-types.ts';
import { SCHEDULER_CLASS } from '../../../shared/inference-types.ts';
import type { DicomLibrary } from '../dicom/index.ts';
import type { JobContext, JobsService } from '../jobs/jobs-service.ts';
import { readFrame, type FrameRead } from './conditioning/frame-source.ts';
import { readLabelMap, toPackLabels, type LabelMapRead } from './conditioning/label-map.ts';
import type { StudySources } from './conditioning/study-sources.ts';
import { resizeLinear, resizeNearest } from './images/resample.ts';
import type { LoadedPack } from './packs/load-pack.ts';
import { PackRegistry } from './packs/pack-registry.ts';
import { MAX_SEED } from './pipeline/prng.ts';
import { resultId, SYNTHETIC_NOTICE, writeResultFiles } from './results/result-files.ts';
import { ResultsStore } from './results/results-store.ts';
import { EngineHost } from './worker/engine-host.ts';

export interface InferenceOptions {
  resourcesDir: string;
  dataDir: string;
  version: string;
  jobs: JobsService;
  dicom: DicomLibrary;
  /** Label drafts and catalog studies, for conditioning on them and pairing results with their frames. */
  studies?: StudySources;
  /** CPU threads per session (default: CARDIOSYNTH_THREADS, else one less than the cores, 1 to 8). */
  threads?: number;
}

export interface GenerateOptions {
  /** Write results here instead of the gallery (the CLI's --out); they are then not indexed. */
  outDir?: string;
  /** Called as each image is saved (the CLI prints paths). */
  onSaved?(record: ResultRecord): void;
}

/** Seeds of a batch: fixed repeats the seed, increment counts up from it, random draws each one. */
export function seedsFor(mode: GenerateRequest['seedMode'], seed: number, count: number): number[] {
  if (mode === 'random') return Array.from({ length: count }, () => randomInt(0, 2 ** 32));
  if (mode === 'fixed') return Array.from({ length: count }, () => seed);
  if (seed + count - 1 > MAX_SEED) throw new AppError('invalid-argument', `seeds ${seed}..${seed + count - 1} go past the largest seed ${MAX_SEED}`);
  return Array.from({ length: count }, (_, i) => seed + i);
}

export class InferenceService {
  readonly packs: PackRegistry;
  readonly results: ResultsStore;
  readonly engine: EngineHost;
  private readonly opts: InferenceOptions;
  /** CPU threads per session the engine runs with (export's diffusion generator uses the same). */
  readonly threads: number;

  constructor(opts: InferenceOptions) {
    this.opts = opts;
    this.packs = new PackRegistry(opts.resourcesDir, opts.dataDir);
    this.results = new ResultsStore(opts.dataDir);
    this.engine = new EngineHost();
    // One core is left to the app (its event loop, the renderer) so the interface stays responsive.
    this.threads = opts.threads ?? (Number(process.env.CARDIOSYNTH_THREADS) || Math.max(1, Math.min(8, availableParallelism() - 1)));
  }

  listPacks(): Promise<PackListing> {
    return this.packs.list();
  }

  async status(): Promise<EngineStatus> {
    const info = await this.engine.info();
    return { available: info.available, last: this.engine.lastReport, loaded: this.engine.loaded, restarts: this.engine.restarts, onnxruntime: info.onnxruntime };
  }

  /** The label map a request would use, at the pack's resolution (for the conditioning preview). */
  async previewLabels(conditioning: ConditioningSource, packRef: string): Promise<LabelMapPreview> {
    const pack = await this.packs.resolve(packRef);
    const m = pack.manifest;
    return toPackLabels(await readLabelMap(conditioning, m.conditioning, this.opts.studies), m.conditioning, m.resolution.width, m.resolution.height);
  }

  /** The label map as given, with unknown values mapped to background (what is saved with each result). */
  private static ownSizeLabels(read: LabelMapRead, preview: LabelMapPreview, background: number): Uint8Array {
    if (!preview.unknownValues.length) return read.labels;
    const unknown = new Set(preview.unknownValues);
    return read.labels.map((v) => (unknown.has(v) ? background : v));
  }

  /** Checks the request, reads its inputs, and queues the job. Throws at once on a bad pack or bad input. */
  async generate(req: GenerateRequest, opts: GenerateOptions = {}): Promise<JobInfo> {
    const pack = await this.packs.resolve(req.pack);
    const m = pack.manifest;
    const { width: W, height: H } = m.resolution;
    if (req.init && !pack.summary.img2img) throw new AppError('invalid-argument', `pack ${pack.summary.key} has no vae_encoder, so it cannot start from an image (img2img)`);
    if (req.init && !(req.strength !== undefined && req.strength > 0 && req.strength <= 1)) throw new AppError('invalid-argument', `img2img needs a strength in (0, 1], not ${req.strength}`);
    const read = await readLabelMap(req.conditioning, m.conditioning, this.opts.studies);
    const preview = toPackLabels(read, m.conditioning, W, H);
    const background = m.conditioning.labels.find((l) => l.value === 0)?.value ?? m.conditioning.labels[0].value;
    const given = { labels: InferenceService.ownSizeLabels(read, preview, background), width: read.width, height: read.height };
    let init: (FrameRead & { packGrey: Uint8Array }) | null = null;
    if (req.init) {
      const f = await readFrame(req.init, this.opts.dicom, this.opts.studies);
      init = { ...f, packGrey: resizeLinear(f.grey, f.width, f.height, W, H) };
    }
    if (req.source) await readFrame(req.source, this.opts.dicom, this.opts.studies); // fail now, not when the result is opened
    const seeds = seedsFor(req.seedMode, req.seed, req.count);
    const title = `${req.count} × ${pack.summary.name}`;
    return this.opts.jobs.submit({
      kind: 'generate',
      queue: 'inference',
      title,
      detail: { pack: pack.summary.key, count: req.count, seeds, prompt: req.prompt },
      run: (ctx) => this.runJob(ctx, req, pack, preview, given, init, seeds, opts),
    });
  }

  private async runJob(
    ctx: JobContext,
    req: GenerateRequest,
    pack: LoadedPack,
    preview: LabelMapPreview,
    given: { labels: Uint8Array; width: number; height: number },
    init: (FrameRead & { packGrey: Uint8Array }) | null,
    seeds: number[],
    opts: GenerateOptions,
  ): Promise<void> {
    const count = seeds.length;
    for (let i = 0; i < count; i++) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const seed = seeds[i];
      ctx.progress({ fraction: i / count, item: i + 1, items: count, step: 0, steps: req.steps, message: `Image ${i + 1} of ${count}: loading the pack` });
      let loadMs = 0;
      let report = this.engine.lastReport;
      const image = await this.engine.generate(
        {
          pack,
          provider: req.provider,
          threads: this.threads,
          input: {
            prompt: req.prompt,
            negative: req.negative,
            seed,
            steps: req.steps,
            scheduler: req.scheduler,
            guidance: req.guidance,
            controlScale: req.controlScale,
            controlStart: req.controlStart,
            controlEnd: req.controlEnd,
            labels: preview.labels,
            init: init?.packGrey ?? null,
            strength: req.strength,
          },
        },
        {
          signal: ctx.signal,
          onLoaded: (r, ms) => {
            report = r;
            loadMs = ms;
            ctx.detail({ provider: r });
          },
          onStep: (step, steps) => ctx.progress({ fraction: (i + step / steps) / count, item: i + 1, items: count, step, steps, message: `Image ${i + 1} of ${count}, step ${step} of ${steps}` }),
        },
      );
      const created = new Date();
      const record: ResultRecord = {
        synthetic: true,
        notice: SYNTHETIC_NOTICE,
        id: resultId(created, pack.summary.id, seed, randomBytes(2).toString('hex')),
        created: created.toISOString(),
        generator: { name: 'Cardiosynth', version: this.opts.version, onnxruntime: this.engine.engineInfo?.onnxruntime ?? 'unknown' },
        pack: { key: pack.summary.key, id: pack.summary.id, version: pack.summary.version, name: pack.summary.name, sha256: pack.summary.sha256, license: pack.summary.license },
        prompt: req.prompt,
        negative: req.negative,
        seed,
        seedMode: req.seedMode,
        index: i,
        count,
        scheduler: { name: req.scheduler, class: SCHEDULER_CLASS[req.scheduler], config: image.schedulerConfig },
        steps: req.steps,
        guidance: req.guidance,
        controlScale: req.controlScale,
        controlStart: req.controlStart,
        controlEnd: req.controlEnd,
        strength: req.init ? (req.strength ?? null) : null,
        init: req.init ? { ...req.init, ...(init?.sha256 ? { sha256: init.sha256 } : {}) } : null,
        source: req.source ?? (req.init ?? null),
        labelMap: { ...preview.info, savedAs: '' },
        resolution: { width: image.width, height: image.height },
        channels: image.channels,
        provider: report!,
        timings: {
          loadMs: Math.round(loadMs),
          textMs: Math.round(image.timings.textMs),
          denoiseMs: Math.round(image.timings.denoiseMs),
          decodeMs: Math.round(image.timings.decodeMs),
          totalMs: Math.round(image.timings.totalMs + loadMs),
          msPerStep: Math.round((image.timings.denoiseMs / Math.max(1, image.timesteps.length)) * 100) / 100,
        },
        tokens: image.tokens,
        files: { image: '', sidecar: '', labels: '' },
      };
      const pixels = { width: image.width, height: image.height, channels: image.channels, pixels: image.pixels, labels: given.labels, labelsWidth: given.width, labelsHeight: given.height };
      let saved: ResultRecord;
      if (opts.outDir) {
        const files = writeResultFiles(opts.outDir, record, pixels);
        saved = { ...record, files, labelMap: { ...record.labelMap, savedAs: files.labels } };
      } else saved = this.results.add(record, pixels, ctx.id).record;
      ctx.output(saved.id);
      opts.onSaved?.(saved);
    }
  }

  listResults(): ResultSummary[] {
    return this.results.list();
  }

  /**
   * A result beside its source frame at the source's size (the result resampled up or down to it), with the
   * label map resampled the same way; without a source, at the pack's resolution.
   */
  async compare(id: string): Promise<ResultComparison> {
    const r = this.results.get(id);
    const img = this.results.image(id);
    const src = r.record.source;
    let source: FrameRead | null = null;
    if (src) source = await readFrame(src, this.opts.dicom, this.opts.studies);
    const width = source?.width ?? img.width;
    const height = source?.height ?? img.height;
    const channels = img.channels;
    const result = new Uint8Array(width * height * 4);
    const planes: Uint8Array[] = [];
    for (let c = 0; c < channels; c++) {
      const plane = new Uint8Array(img.width * img.height);
      for (let i = 0; i < plane.length; i++) plane[i] = img.pixels[i * channels + c];
      planes.push(resizeLinear(plane, img.width, img.height, width, height));
    }
    for (let i = 0; i < width * height; i++) {
      const g = planes[0][i];
      result.set([g, planes[1]?.[i] ?? g, planes[2]?.[i] ?? g, 255], i * 4);
    }
    const given = this.results.labels(id);
    const labels = resizeNearest(given.labels, given.width, given.height, width, height);
    const pack = r.record.pack;
    let palette: ResultComparison['palette'] = [];
    try {
      palette = (await this.packs.resolve(pack.key)).manifest.conditioning.labels;
    } catch {
      palette = r.record.labelMap.values.map((v) => ({ value: v, name: `label ${v}`, color: ['#000000', '#ff3b30', '#34c759', '#0a84ff', '#ffcc00', '#af52de'][v % 6] }));
    }
    return { id, width, height, source: source?.rgba ?? null, sourceLabel: source?.label ?? 'no source frame (label map only)', pixelAspect: source?.pixelAspect ?? 1, result, labels, palette };
  }

  dispose(): Promise<void> {
    this.results.close();
    return this.engine.dispose();
  }
}
