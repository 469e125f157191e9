/**
 * `cardiosynth generate`: text + label map -> synthetic images from a model pack, written to --out with a JSON
 * sidecar each. The same service as the app (the engine process, the pipeline, the provenance records).
 */
import { resolve } from 'node:path';
import { AppError, toErrorData } from '../../shared/errors.ts';
import { PROVIDER_NAMES, SCHEDULER_NAMES, type GenerateRequest, type ProviderChoice, type ResultRecord, type SchedulerName } from '../../shared/inference-types.ts';
import { paths, packageVersion, userDataDir } from '../../main/paths.ts';
import { DicomLibrary } from '../../main/services/dicom/index.ts';
import { InferenceService } from '../../main/services/inference/index.ts';
import { JobsService } from '../../main/services/jobs/index.ts';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, UsageError, err, intOption, out, parse, type Command } from '../usage.ts';

const HELP = `Usage: cardiosynth generate --pack DIR --prompt TEXT [--negative TEXT] --labels FILE [--frame N]
         [--init IMAGE --strength S] --seed S --steps N --scheduler ddim|dpmpp2m|euler|ddpm --guidance G
         --control-scale C --count K --out DIR [--provider cpu|webgpu|cuda]

Generates K synthetic images conditioned on a text prompt and a label map, and writes each to DIR as a PNG
(marked synthetic, with its settings as PNG text) beside a JSON sidecar that holds everything needed to
reproduce it, and the label map used (NAME.labels.png). Prints the path of each PNG as it is written.

  --pack DIR          a model pack folder (docs/model-pack.md), or the id (or id@version) of a listed pack
  --prompt TEXT       the prompt, e.g. "apical 4CH echo, ED, good quality, female, age 40-59, EF 55-70"
  --negative TEXT     the negative prompt (default: none)
  --labels FILE       the label map: an index PNG (values are labels), a grey PNG in the ControlNet CAMUS
                      encoding round(255*label/max_label), a PNG in the pack's label colours, or NIfTI /
                      MetaImage; resampled (nearest) to the pack's resolution
  --frame N           the frame of a multi-frame label file, from 0 (default 0)
  --init IMAGE        img2img: start from this frame (PNG, DICOM, NIfTI/MetaImage) instead of pure noise
  --init-frame N      the frame of a multi-frame init file, from 0 (default 0)
  --strength S        how much of the init image to noise away, in (0, 1] (required with --init)
  --seed S            the first seed (0 to 2^53-1)
  --seed-mode M       increment (default: seeds S, S+1, ...), fixed (all S), or random (each drawn and recorded)
  --steps N           denoising steps
  --scheduler NAME    ddim, dpmpp2m (DPM-Solver++ 2M), euler or ddpm; configured from the pack's
                      scheduler/scheduler_config.json
  --guidance G        classifier-free guidance scale (1 turns it off)
  --control-scale C   ControlNet conditioning scale
  --control-start F   the fraction of the steps where the label map starts to steer (default 0)
  --control-end F     the fraction of the steps where it stops (default 1)
  --count K           how many images
  --out DIR           where to write them (created if missing)
  --provider P        cpu, webgpu or cuda to force one; default: try cuda, then webgpu, then cpu
  --threads N         CPU threads per model (default: CARDIOSYNTH_THREADS, else one less than the cores, 1 to 8)
  --json              print one JSON document {"results": [sidecar...]} at the end instead of paths
  -h, --help          show this help

Exit status: 0 when every image was written; 2 on bad usage, a bad pack or bad input (the message names the
file and the problem); 1 when generation failed for another reason; 130 when interrupted (images already
written are kept).
`;

function numberOption(v: string | undefined, name: string, lo: number, hi: number, fallback?: number): number {
  if (v === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required.`);
    return fallback;
  }
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < lo || n > hi) throw new UsageError(`--${name} must be a number from ${lo} to ${hi}, not "${v}".`);
  return n;
}

function required(v: string | undefined, name: string): string {
  if (v === undefined || v === '') throw new UsageError(`--${name} is required.`);
  return v;
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate synthetic images from a model pack, a prompt and a label map',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parse({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        pack: { type: 'string' },
        prompt: { type: 'string' },
        negative: { type: 'string' },
        labels: { type: 'string' },
        frame: { type: 'string' },
        init: { type: 'string' },
        'init-frame': { type: 'string' },
        strength: { type: 'string' },
        seed: { type: 'string' },
        'seed-mode': { type: 'string' },
        steps: { type: 'string' },
        scheduler: { type: 'string' },
        guidance: { type: 'string' },
        'control-scale': { type: 'string' },
        'control-start': { type: 'string' },
        'control-end': { type: 'string' },
        count: { type: 'string' },
        out: { type: 'string' },
        provider: { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}".`);
    // Required options are checked in the order the synopsis lists them.
    const pack = required(values.pack, 'pack');
    const prompt = required(values.prompt, 'prompt');
    const labels = resolve(required(values.labels, 'labels'));
    const seed = intOption(values.seed, 'seed', undefined, Number.MAX_SAFE_INTEGER);
    const steps = intOption(values.steps, 'steps', undefined, 1000);
    const scheduler = required(values.scheduler, 'scheduler');
    if (!(SCHEDULER_NAMES as readonly string[]).includes(scheduler)) throw new UsageError(`--scheduler must be one of ${SCHEDULER_NAMES.join(', ')}, not "${scheduler}".`);
    const provider = values.provider ?? 'auto';
    if (provider !== 'auto' && !(PROVIDER_NAMES as readonly string[]).includes(provider)) throw new UsageError(`--provider must be one of ${PROVIDER_NAMES.join(', ')}, not "${provider}".`);
    const seedMode = values['seed-mode'] ?? 'increment';
    if (!['increment', 'fixed', 'random'].includes(seedMode)) throw new UsageError(`--seed-mode must be increment, fixed or random, not "${seedMode}".`);
    if (values.init && values.strength === undefined) throw new UsageError('--strength is required with --init.');
    if (!values.init && values.strength !== undefined) throw new UsageError('--strength needs --init (the image to start from).');
    const request: GenerateRequest = {
      pack,
      prompt,
      negative: values.negative ?? '',
      conditioning: { kind: 'file', path: labels, frame: intOption(values.frame, 'frame', 0, 100_000) },
      ...(values.init
        ? { init: { kind: 'file' as const, path: resolve(values.init), frame: intOption(values['init-frame'], 'init-frame', 0, 100_000) }, strength: numberOption(values.strength, 'strength', 1e-6, 1) }
        : {}),
      scheduler: scheduler as SchedulerName,
      steps,
      guidance: numberOption(values.guidance, 'guidance', 0, 50),
      controlScale: numberOption(values['control-scale'], 'control-scale', 0, 5),
      controlStart: numberOption(values['control-start'], 'control-start', 0, 1, 0),
      controlEnd: numberOption(values['control-end'], 'control-end', 0, 1, 1),
      seedMode: seedMode as GenerateRequest['seedMode'],
      seed,
      count: intOption(values.count, 'count', undefined, 1000),
      provider: provider as ProviderChoice,
    };
    if (request.steps < 1) throw new UsageError('--steps must be at least 1.');
    if (request.count < 1) throw new UsageError('--count must be at least 1.');
    if (request.controlStart >= request.controlEnd) throw new UsageError(`--control-start (${request.controlStart}) must be below --control-end (${request.controlEnd}).`);
    const outDir = resolve(required(values.out, 'out'));
    const threads = values.threads !== undefined ? intOption(values.threads, 'threads', undefined, 256) : undefined;

    const jobs = new JobsService();
    const inference = new InferenceService({ resourcesDir: paths.resources, dataDir: userDataDir(), version: packageVersion(), jobs, dicom: new DicomLibrary(), threads });
    const records: ResultRecord[] = [];
    const tty = process.stderr.isTTY;
    let job;
    try {
      job = await inference.generate(request, {
        outDir,
        onSaved: (r) => {
          records.push(r);
          if (tty) process.stderr.write('\r\x1b[K');
          if (!values.json) void out(`${r.files.image}\n`);
        },
      });
    } catch (e) {
      await inference.dispose();
      const d = toErrorData(e);
      err(`cardiosynth generate: ${d.message}`);
      return d.kind === 'internal' ? EXIT_FAILED : EXIT_BAD_INPUT;
    }
    const onSignal = () => jobs.cancel(job.id);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let last = '';
    const progress = setInterval(() => {
      const p = jobs.get(job.id).progress;
      const line = p.message;
      if (tty && line !== last) process.stderr.write(`\r\x1b[K${line}`);
      last = line;
    }, 200);
    const done = await jobs.wait(job.id);
    clearInterval(progress);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (tty) process.stderr.write('\r\x1b[K');
    const report = done.detail.provider as { active?: string; attempts?: { provider: string; ok: boolean; reason?: string }[] } | undefined;
    if (report?.active) {
      const skipped = (report.attempts ?? []).filter((a) => !a.ok).map((a) => `${a.provider} skipped: ${a.reason}`);
      err(`cardiosynth generate: ran on ${report.active}${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
    }
    await inference.dispose();
    if (values.json) await out(JSON.stringify({ results: records }, null, 2) + '\n');
    if (done.state === 'succeeded') return EXIT_OK;
    if (done.state === 'cancelled') {
      err(`cardiosynth generate: interrupted after ${records.length} of ${request.count} image(s); those are kept in ${outDir}.`);
      return 130;
    }
    const e = done.error ?? new AppError('internal', 'generation failed');
    err(`cardiosynth generate: ${e.message}`);
    return e.kind === 'invalid-pack' || e.kind === 'invalid-argument' ? EXIT_BAD_INPUT : EXIT_FAILED;
  },
};
