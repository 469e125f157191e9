/** `cardiosynth inspect PATH... [--json]`: what each DICOM file is, and which files could not be read. */
import type { InstanceSummary, LoadError } from '../../shared/dicom-types.ts';
import { inspectPaths } from '../../main/services/dicom/index.ts';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, out, parse, type Command } from '../usage.ts';

const HELP = `Usage: cardiosynth inspect PATH... [--json]

Reads DICOM files and folders (recursively; a DICOMDIR is honoured) and describes every file.

  --json      print one JSON document {"studies": [...], "errors": [...]}: one item per file read
              (path, format, modality, sopClassUid, transferSyntaxUid, frames, rows, columns,
              samplesPerPixel, photometric, bitsStored, frameRateHz, frameRateSource, ...) and one
              {path, code, message} per file that could not be read
  -h, --help  show this help

Exit status: 0 when every file was read, 2 when any failed (the others are still listed) or on bad usage.
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

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'describe DICOM files and folders (--json for one JSON document)',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parse({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } });
    if (positionals.length === 0) throw new UsageError('give at least one file or folder.');
    const { studies, errors } = await inspectPaths(positionals);
    await out(values.json ? JSON.stringify({ studies, errors }) + '\n' : formatInspectTable(studies, errors));
    return errors.length > 0 ? EXIT_BAD_INPUT : EXIT_OK;
  },
};
