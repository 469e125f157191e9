/**
 * `cardiosynth inspect PATH... [--json]`: what each DICOM file, CAMUS or EchoNet-Dynamic study, and NIfTI or
 * MetaImage file is, and which could not be read.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DatasetInspectItem, DatasetItemError } from '../../shared/dataset-types.ts';
import type { InstanceSummary, LoadError } from '../../shared/dicom-types.ts';
import { detectLayout, inspectDatasetPaths, isSequencePath } from '../../main/services/datasets/index.ts';
import { inspectPaths } from '../../main/services/dicom/index.ts';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, out, parse, type Command } from '../usage.ts';

const HELP = `Usage: cardiosynth inspect PATH... [--json]

Describes DICOM files and folders (recursively; a DICOMDIR is honoured), CAMUS and EchoNet-Dynamic datasets
(a dataset folder, any folder inside one, or one of its files), and NIfTI (.nii, .nii.gz) and MetaImage
(.mhd, .mha) files. A folder that is not a dataset is searched for DICOM, NIfTI and MetaImage files.

  --json      print one JSON document {"studies": [...], "errors": [...]}: one item per file or study read
              and one {path, code, message} per item that could not be read. Items have a \`format\`:
              dicom      path, modality, sopClassUid, transferSyntaxUid, frames, rows, columns,
                         samplesPerPixel, photometric, bitsStored, frameRateHz, frameRateSource, ...
              camus, echonet, nifti, metaimage
                         path, frames, rows, columns, frameRateHz, frameRateSource, dataType, and the
                         dataset fields where known: patient, view (2CH, 4CH, A4C), edFrame and esFrame
                         (0-based), ef, imageQuality, sex, age, split (train, val, test) and labels (the
                         label values present in its label maps, [] when it has none), and
                         warnings (problems that did not stop it being read)
  -h, --help  show this help

Exit status: 0 when every item was read, 2 when any failed (the others are still listed) or on bad usage.
`;

const TS_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit LE',
  '1.2.840.10008.1.2.1': 'Explicit LE',
  '1.2.840.10008.1.2.1.99': 'Deflated LE',
  '1.2.840.10008.1.2.2': 'Explicit BE',
  '1.2.840.10008.1.2.5': 'RLE',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
};

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatInspectTable(studies: InstanceSummary[], errors: LoadError[]): string {
  const parts: string[] = [];
  if (studies.length > 0) {
    const rows = studies.map((s) => [
      s.modality || '-',
      TS_NAMES[s.transferSyntaxUid] ?? s.transferSyntaxUid,
      s.photometric,
      String(s.frames),
      `${s.columns}x${s.rows}`,
      `${s.samplesPerPixel}x${s.bitsStored}`,
      s.frames > 1 ? `${Number(s.frameRateHz.toFixed(2))} (${s.frameRateSource})` : '-',
      s.path,
    ]);
    parts.push(table(['MOD', 'SYNTAX', 'PHOTOMETRIC', 'FRAMES', 'SIZE', 'SPPxBITS', 'FPS (SOURCE)', 'PATH'], rows));
  }
  if (errors.length > 0) {
    parts.push(`${errors.length} file(s) could not be read:`);
    for (const e of errors) parts.push(`  ${e.path}: [${e.code}] ${e.message}`);
  }
  parts.push(`${studies.length} file(s) read, ${errors.length} failed.`);
  return parts.join('\n') + '\n';
}

const num = (v: number | null, digits = 1): string => (v === null ? '-' : String(Number(v.toFixed(digits))));

export function formatDatasetTable(items: DatasetInspectItem[]): string {
  const rows = items.map((s) => [
    s.format,
    s.patient ?? '-',
    s.view ?? '-',
    s.frames === null ? '-' : String(s.frames),
    s.columns === null ? '-' : `${s.columns}x${s.rows}`,
    s.frames !== null && s.frames > 1 && s.frameRateHz !== null ? `${num(s.frameRateHz, 2)} (${s.frameRateSource})` : '-',
    s.edFrame === null ? '-' : String(s.edFrame),
    s.esFrame === null ? '-' : String(s.esFrame),
    num(s.ef),
    s.imageQuality ?? '-',
    s.sex ?? '-',
    num(s.age, 0),
    s.split ?? '-',
    s.labels.length ? s.labels.join(',') : '-',
    s.path,
  ]);
  const out = [table(['FORMAT', 'PATIENT', 'VIEW', 'FRAMES', 'SIZE', 'FPS (SOURCE)', 'ED', 'ES', 'EF', 'QUALITY', 'SEX', 'AGE', 'SPLIT', 'LABELS', 'PATH'], rows)];
  const warnings = items.flatMap((s) => s.warnings);
  if (warnings.length) out.push(`${warnings.length} warning(s) (the items were read):`, ...warnings.map((w) => `  ${w}`));
  return out.join('\n');
}

type Item = InstanceSummary | DatasetInspectItem;

/** Sends each path to the DICOM reader, the dataset readers, or both (a folder that is not a dataset). */
async function inspectAll(paths: string[]): Promise<{ studies: Item[]; errors: Array<LoadError | DatasetItemError> }> {
  const studies: Item[] = [];
  const errors: Array<LoadError | DatasetItemError> = [];
  for (const p of paths) {
    const abs = resolve(p);
    let dicom = true;
    let dataset = false;
    try {
      const st = await stat(abs);
      if (st.isDirectory()) {
        const layout = (await detectLayout(abs)).layout;
        dataset = true;
        dicom = layout === 'loose';
      } else if (isSequencePath(abs)) {
        dataset = true;
        dicom = false;
      }
    } catch {
      // Missing or unreadable: the DICOM reader reports it as it always has.
    }
    if (dicom) {
      const r = await inspectPaths([p]);
      studies.push(...r.studies);
      errors.push(...r.errors);
    }
    if (dataset) {
      const r = await inspectDatasetPaths([abs]);
      studies.push(...r.studies);
      errors.push(...r.errors);
    }
  }
  return { studies, errors };
}

export function formatInspectOutput(studies: Item[], errors: Array<LoadError | DatasetItemError>): string {
  const dicom = studies.filter((s): s is InstanceSummary => s.format === 'dicom');
  const datasets = studies.filter((s): s is DatasetInspectItem => s.format !== 'dicom');
  if (datasets.length === 0) return formatInspectTable(dicom, errors);
  const parts: string[] = [];
  if (dicom.length) parts.push(formatInspectTable(dicom, []).split('\n').slice(0, -2).join('\n'));
  parts.push(formatDatasetTable(datasets));
  if (errors.length > 0) {
    parts.push(`${errors.length} item(s) could not be read:`);
    for (const e of errors) parts.push(`  ${e.path}: [${e.code}] ${e.message}`);
  }
  parts.push(`${studies.length} item(s) read, ${errors.length} failed.`);
  return parts.join('\n') + '\n';
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'describe DICOM files, CAMUS/EchoNet datasets and NIfTI/MetaImage files (--json for one JSON document)',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parse({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } });
    if (positionals.length === 0) throw new UsageError('give at least one file or folder.');
    const { studies, errors } = await inspectAll(positionals);
    await out(values.json ? JSON.stringify({ studies, errors }) + '\n' : formatInspectOutput(studies, errors));
    return errors.length > 0 ? EXIT_BAD_INPUT : EXIT_OK;
  },
};
