/**
 * `cardiosynth phantom`: writes a synthetic dataset of phantom hearts (label cines rendered to B-mode) in the
 * CAMUS or EchoNet-Dynamic layout, which the project's importers (and CAMUS/EchoNet code) read back.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { toErrorData } from '../../shared/errors.ts';
import { createCamusWriter, createEchonetWriter } from '../../main/services/layouts/index.ts';
import type { DatasetWriter } from '../../main/services/layouts/index.ts';
import { IMAGE_QUALITIES, planPhantomDataset, renderPhantomStudy } from '../../main/services/phantom/index.ts';
import type { ImageQuality, PhantomLayout, PhantomView } from '../../main/services/phantom/index.ts';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, UsageError, err, intOption, out, parse, type Command } from '../usage.ts';

const HELP = `Usage: cardiosynth phantom --out DIR [options]

Writes a synthetic dataset of phantom hearts: seeded apical 2CH/4CH label cines with a chosen EF, rendered
to B-mode echo, in a real dataset layout. Every file says it is synthetic where the layout has room, and
DIR/cardiosynth-dataset.json records how it was made. The same options and seed give the same dataset.

  --out DIR          folder to create (must be new or empty)
  --layout L         camus (default): CAMUS 2023 NIfTI (database_nifti/, database_split/), label maps for
                     every frame of the ED->ES half sequence;
                     echonet: EchoNet-Dynamic (Videos/*.avi MJPEG 112x112, FileList.csv,
                     VolumeTracings.csv traced from the LV at ED and ES); 4CH only
  --view V           2CH, 4CH or 2CH,4CH (default: both for camus, 4CH for echonet)
  --n N              number of patients (default 10)
  --ef MIN:MAX       EF range in percent, drawn per patient (default 30:70; within 10:85)
  --frames F         frames per cine (camus: ED->ES, default 16; echonet: default one beat)
  --fps R            frame rate (echonet: default 50; camus: derived from --frames unless given)
  --size WxH         image size for camus (default 256x256); echonet is always 112x112
  --quality Q        image qualities to draw from, comma-separated Good,Medium,Poor (default all)
  --seed S           seed (default 1); patient k uses seed "S:k"
  --first-patient N  number the patients from N (default 1: patient0001 / PHANTOM_0001); catalog study ids
                     come from the names, so numbers past 0500 keep a phantom dataset apart from CAMUS's
  --json             print a JSON summary on stdout
  -h, --help         show this help

Exit status: 0 on success, 2 on bad usage, 1 if writing failed.
`;

function parseViews(v: string | undefined, layout: PhantomLayout): PhantomView[] {
  if (v === undefined) return layout === 'camus' ? ['2CH', '4CH'] : ['4CH'];
  const views = v.split(',').map((s) => s.trim().toUpperCase());
  for (const x of views) if (x !== '2CH' && x !== '4CH') throw new UsageError(`--view must be 2CH, 4CH or 2CH,4CH, not "${v}".`);
  return [...new Set(views)] as PhantomView[];
}

function parseEf(v: string | undefined): [number, number] {
  if (v === undefined) return [30, 70];
  const m = /^(\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(v);
  if (!m) throw new UsageError(`--ef must be MIN:MAX (percent), e.g. 35:65, not "${v}".`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (!(lo >= 10 && hi <= 85 && lo <= hi)) throw new UsageError(`--ef ${v}: MIN and MAX must lie within 10:85 with MIN <= MAX.`);
  return [lo, hi];
}

function parseSize(v: string | undefined): [number, number] {
  if (v === undefined) return [256, 256];
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 32 || Number(m[2]) < 32 || Number(m[1]) > 2048 || Number(m[2]) > 2048) throw new UsageError(`--size must be WxH with each side from 32 to 2048, e.g. 256x256, not "${v}".`);
  return [Number(m[1]), Number(m[2])];
}

function parseQualities(v: string | undefined): ImageQuality[] | undefined {
  if (v === undefined) return undefined;
  const out: ImageQuality[] = [];
  for (const s of v.split(',')) {
    const q = IMAGE_QUALITIES.find((x) => x.toLowerCase() === s.trim().toLowerCase());
    if (!q) throw new UsageError(`--quality takes Good, Medium and/or Poor, not "${s}".`);
    out.push(q);
  }
  return out;
}

export const phantomCommand: Command = {
  name: 'phantom',
  summary: 'write a synthetic phantom-heart dataset (CAMUS or EchoNet layout)',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parse({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' }, layout: { type: 'string' }, view: { type: 'string' }, n: { type: 'string' }, ef: { type: 'string' },
        frames: { type: 'string' }, fps: { type: 'string' }, size: { type: 'string' }, quality: { type: 'string' }, seed: { type: 'string' },
        'first-patient': { type: 'string' }, json: { type: 'boolean' },
      },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}".`);
    if (!values.out) throw new UsageError('--out DIR is required.');
    const layout = (values.layout ?? 'camus') as PhantomLayout;
    if (layout !== 'camus' && layout !== 'echonet') throw new UsageError(`--layout must be camus or echonet, not "${values.layout}".`);
    if (layout === 'echonet' && values.size !== undefined && values.size !== '112x112') throw new UsageError('--size: the EchoNet layout is always 112x112.');
    let fps: number | undefined;
    if (values.fps !== undefined) {
      fps = Number(values.fps);
      if (!(fps >= 5 && fps <= 500)) throw new UsageError(`--fps must be a number from 5 to 500, not "${values.fps}".`);
    }
    const [width, height] = layout === 'echonet' ? [112, 112] : parseSize(values.size);
    const seed = values.seed ?? '1';
    const root = resolve(values.out);
    if (existsSync(root) && (!statSync(root).isDirectory() || readdirSync(root).length > 0)) {
      err(`cardiosynth phantom: ${root} exists and is not an empty folder; choose a new one (nothing was written).`);
      return EXIT_BAD_INPUT;
    }
    const frames = values.frames === undefined ? undefined : intOption(values.frames, 'frames', undefined, 2000);
    const command = ['cardiosynth', 'phantom', ...argv.filter((a) => a !== '--json')].join(' ');
    const options = {
      layout, views: parseViews(values.view, layout), patients: intOption(values.n, 'n', 10, 9999), efRange: parseEf(values.ef),
      frames, frameRateHz: fps, width, height, seed, qualities: parseQualities(values.quality),
      source: `cardiosynth phantom, seed ${seed}`,
      firstPatient: intOption(values['first-patient'], 'first-patient', 1, 9999),
    };
    let plans;
    try {
      plans = planPhantomDataset(options);
    } catch (e) {
      throw new UsageError(toErrorData(e).message);
    }
    const provenance = {
      generator: 'cardiosynth phantom',
      description: 'Parametric phantom hearts (label maps over the cardiac cycle) rendered to B-mode echo. Synthetic: no patient data.',
      command,
      seed,
      options: { ...options, qualities: options.qualities ?? IMAGE_QUALITIES },
      studies: plans.map((p) => ({ patient: p.patient, view: p.view, seed: p.patientSeed, ef: p.efPercent, heartRateBpm: p.heartRateBpm, quality: p.quality, split: p.split, frames: p.frames, frameRateHz: p.frameRateHz })),
    };
    const writer: DatasetWriter = layout === 'camus' ? createCamusWriter(root, { provenance }) : createEchonetWriter(root, { provenance });
    try {
      for (const [i, plan] of plans.entries()) {
        await writer.add(renderPhantomStudy(plan, options));
        err(`phantom: ${i + 1}/${plans.length} ${plan.patient} ${plan.view} EF ${plan.efPercent} ${plan.quality} ${plan.frames} frames`);
      }
      const done = await writer.finish();
      if (values.json) await out(`${JSON.stringify({ layout, root, studies: provenance.studies, files: done.files.length }, null, 2)}\n`);
      else err(`phantom: wrote ${plans.length} studies (${done.files.length} files) to ${root}`);
      return EXIT_OK;
    } catch (e) {
      const d = toErrorData(e);
      err(`cardiosynth phantom: ${d.message}`);
      return d.kind === 'invalid-argument' ? EXIT_BAD_INPUT : EXIT_FAILED;
    }
  },
};
