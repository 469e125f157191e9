/**
 * `cardiosynth labels convert IN --to FORMAT --out OUT`: converts label maps between NIfTI (CAMUS convention),
 * index PNG and grey PNG. `cardiosynth labels list`: the label drafts saved in the data folder.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LabelFileFormat } from '../../shared/contract/labels.ts';
import { LABEL_FILE_FORMATS } from '../../shared/contract/labels.ts';
import { toErrorData } from '../../shared/errors.ts';
import { CAMUS_LABELS, knownValues, type LabelDef } from '../../shared/labels/palette.ts';
import { userDataDir } from '../../main/paths.ts';
import { writeFileAtomic } from '../../main/services/files/atomic-write.ts';
import { LabelService, encodeGreyPng, encodeIndexPng, imageGeometry, readLabelFile, writeLabelNifti, type ImageGeometry } from '../../main/services/labels/index.ts';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, err, intOption, out, parse, type Command } from '../usage.ts';

const HELP = `Usage: cardiosynth labels convert IN --to nifti|png-index|png-grey --out OUT [options]
       cardiosynth labels list [--json]

convert: reads a label map and writes it in another format, values unchanged:
  nifti       uint8 NIfTI in the CAMUS convention: shape (W, H) for one frame, (W, H, T) for a cine
              (axis 0 = columns, axis 1 = rows); .nii or .nii.gz (compressed)
  png-index   8-bit grey PNG whose values are the labels (0 background, 1 LV cavity, 2 myocardium, ...)
  png-grey    8-bit grey PNG of round(255 * label / max_label), as ControlNet training code for CAMUS uses
IN may be any of the three (palette PNGs are read by index; a PNG is taken as index or grey by its values).

  --to FORMAT       the format to write (required)
  --out OUT         the file to write (required); refused if it exists, unless --force
  --from FORMAT     how to read IN: auto (default), nifti, png-index or png-grey
  --frame N         the frame (0-based) of a multi-frame IN to write; a PNG holds one frame, so converting a
                    cine to PNG needs it; with --to nifti it writes that frame alone
  --labels LIST     the label values allowed, e.g. 0-3 (default, CAMUS) or 0-5 or 0,1,2,4; values outside
                    it are an error that names them
  --pack DIR        take the allowed labels from a model pack's cardiosynth.json (conditioning.labels)
  --max-label N     max_label of the grey encoding (default: the largest allowed label)
  --like IMAGE      a DICOM image whose size IN must have and whose pixel spacing the NIfTI takes
                    (otherwise 1 mm, or the spacing of a NIfTI IN)
  --force           overwrite OUT
  --json            print the result as one JSON object

list: prints every label draft saved in the data folder (CARDIOSYNTH_DATA_DIR overrides where that is).

Exit status: 0 on success, 2 on bad usage or an input that cannot be read or does not fit.
`;

export function parseLabelList(text: string): number[] {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$/.exec(part);
    if (!m) throw new UsageError(`--labels: "${part}" is not a value or a range like 0-3.`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a > 255 || b > 255 || b < a) throw new UsageError(`--labels: "${part}" is not within 0..255 in increasing order.`);
    for (let v = a; v <= b; v++) values.add(v);
  }
  values.add(0);
  return [...values].sort((x, y) => x - y);
}

async function convert(argv: string[]): Promise<number> {
  const { values, positionals } = parse({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      to: { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string' },
      frame: { type: 'string' },
      labels: { type: 'string' },
      pack: { type: 'string' },
      'max-label': { type: 'string' },
      like: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the label file to convert.' : 'give exactly one label file.');
  const to = values.to as LabelFileFormat | undefined;
  if (!to || !LABEL_FILE_FORMATS.includes(to)) throw new UsageError(`--to must be one of ${LABEL_FILE_FORMATS.join(', ')}.`);
  const from = (values.from ?? 'auto') as LabelFileFormat | 'auto';
  if (from !== 'auto' && !LABEL_FILE_FORMATS.includes(from)) throw new UsageError(`--from must be auto or one of ${LABEL_FILE_FORMATS.join(', ')}.`);
  if (!values.out) throw new UsageError('--out OUT is required.');
  if (values.labels && values.pack) throw new UsageError('give --labels or --pack, not both.');
  const input = resolve(positionals[0]);
  const target = resolve(values.out);
  if (to === 'nifti' && !/\.nii(\.gz)?$/i.test(target)) throw new UsageError('--out: a NIfTI file name ends in .nii or .nii.gz.');
  if (to !== 'nifti' && !/\.png$/i.test(target)) throw new UsageError('--out: a PNG file name ends in .png.');
  if (target === input) throw new UsageError('--out must not be the input file.');
  if (existsSync(target) && !values.force) {
    err(`cardiosynth labels convert: ${target} already exists; give --force to overwrite it.`);
    return EXIT_BAD_INPUT;
  }

  try {
    let palette: LabelDef[] = [...CAMUS_LABELS];
    let allowed = palette.map((l) => l.value);
    if (values.pack) {
      palette = new LabelService(userDataDir()).packPalette(values.pack).labels;
      allowed = palette.map((l) => l.value);
    } else if (values.labels) {
      allowed = parseLabelList(values.labels);
      palette = allowed.map((value) => CAMUS_LABELS.find((l) => l.value === value) ?? { value, name: `label ${value}`, color: '#ffffff' });
    }
    const maxLabel = intOption(values['max-label'], 'max-label', Math.max(1, ...allowed), 255);
    if (maxLabel < 1) throw new UsageError('--max-label must be at least 1.');
    const like: ImageGeometry | null = values.like ? await imageGeometry({ kind: 'dicom-file', path: resolve(values.like) }) : null;
    const known = new Uint8Array(knownValues(palette));
    const read = await readLabelFile(input, { format: from, known, maxLabel, expect: like ? { width: like.width, height: like.height, frameCount: like.frames } : null });
    let frames = read.frames;
    let frameNumbers = frames.map((_, i) => i);
    if (values.frame !== undefined) {
      const f = intOption(values.frame, 'frame');
      if (f >= frames.length) {
        err(`cardiosynth labels convert: ${input}: has ${frames.length} frame(s) (0 to ${frames.length - 1}); --frame ${f} is out of range.`);
        return EXIT_BAD_INPUT;
      }
      frames = [frames[f]];
      frameNumbers = [f];
    } else if (to !== 'nifti' && frames.length > 1) {
      throw new UsageError(`${input} holds ${frames.length} frames and a PNG holds one: choose it with --frame N.`);
    }
    const highest = Math.max(0, ...read.values);
    if (to === 'png-grey' && highest > maxLabel) {
      err(`cardiosynth labels convert: ${input}: label ${highest} is above --max-label ${maxLabel}; the grey encoding needs max_label >= every label.`);
      return EXIT_BAD_INPUT;
    }
    const geometry: ImageGeometry = like ?? { width: read.width, height: read.height, frames: frames.length, spacingMm: read.spacingMm ?? null, spacingSource: null };
    if (to === 'nifti') writeLabelNifti(target, frames, geometry, palette);
    else writeFileAtomic(target, to === 'png-index' ? encodeIndexPng(frames[0], read.width, read.height) : encodeGreyPng(frames[0], read.width, read.height, maxLabel));
    const result = { in: input, from: read.format, out: target, to, width: read.width, height: read.height, frames: frameNumbers, labels: read.values, ...(to === 'png-grey' ? { maxLabel } : {}) };
    await out(values.json ? JSON.stringify(result) + '\n' : `wrote ${target} (${to}, ${read.width}x${read.height}, ${frames.length} frame(s), labels ${read.values.join(', ')}) from ${read.format} ${input}\n`);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const data = toErrorData(e);
    if (data.kind === 'internal') throw e;
    const hint = /not in the palette/.test(data.message) ? ' (allow them with --labels, e.g. --labels 0-6, or --pack)' : '';
    err(`cardiosynth labels convert: [${data.kind}] ${data.message}${hint}`);
    return EXIT_BAD_INPUT;
  }
}

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parse({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}".`);
  const dataDir = userDataDir();
  // Listing never creates the database.
  const drafts = existsSync(join(dataDir, 'catalog.sqlite')) ? new LabelService(dataDir).list() : [];
  if (values.json) {
    await out(JSON.stringify({ drafts }) + '\n');
  } else {
    const lines = drafts.map((d) => `${d.updatedAt}  rev ${d.revision}  ${d.width}x${d.height}  ${d.labelledFrames.length}/${d.frameCount} frames labelled  ${d.key.kind === 'dicom-file' ? d.key.path : `study ${d.key.study}`}`);
    await out(lines.length ? lines.join('\n') + '\n' : `no label drafts in ${dataDir}\n`);
  }
  return EXIT_OK;
}

export const labelsCommand: Command = {
  name: 'labels',
  summary: 'convert label maps between NIfTI, index PNG and grey PNG; list saved label drafts',
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'convert') return convert(rest);
    if (sub === 'list') return list(rest);
    throw new UsageError(sub === undefined ? 'give a subcommand: convert or list.' : `unknown subcommand "${sub}"; use convert or list.`);
  },
};
