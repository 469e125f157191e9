/** `cardiosynth import DIR [--json]`: fills the study catalog in the user data folder from a dataset folder. */
import { resolve } from 'node:path';
import type { CatalogImportSummary } from '../../shared/catalog-types.ts';
import { toErrorData } from '../../shared/errors.ts';
import { Catalog, catalogPath } from '../../main/services/datasets/catalog/index.ts';
import { userDataDir } from '../../main/paths.ts';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, UsageError, err, out, parse, type Command } from '../usage.ts';

const HELP = `Usage: cardiosynth import DIR [--json]

Imports the dataset DIR belongs to into the study catalog of the user data folder
(<data folder>/catalog.sqlite; CARDIOSYNTH_DATA_DIR overrides the folder), where the app and \`serve\` find it.
DIR is the dataset root or any folder inside it:
  CAMUS 2023     database_nifti/patientNNNN/ with Info_{2CH,4CH}.cfg, database_split/
  CAMUS legacy   training/ and testing/ patient folders with .mhd + .raw
  EchoNet        FileList.csv, VolumeTracings.csv, Videos/*.avi (AVI headers are read; frames are not decoded)
  anything else  loose NIfTI (.nii, .nii.gz) and MetaImage (.mhd, .mha) files, recursively
A folder inside one CAMUS patient imports that patient only. Importing again reads only files that changed
(nothing at all when nothing did); studies whose files disappeared are kept but marked unavailable. The
dataset's files are only read, never written.

  --json      print the summary as one JSON document (datasetId, layout, root, unchanged, studies
              {total, added, updated, unchanged, unavailable}, files {seen, read, cached}, errors,
              warnings, issues [{path, code, message, severity}], seconds)
  -h, --help  show this help

Progress goes to stderr on a terminal. Exit status: 0 when every item was imported, 2 when some items could
not be (the rest is in the catalog; each is listed) or on bad usage, 1 when the import failed as a whole.
`;

const LAYOUT_NAMES: Record<string, string> = {
  'camus-nifti': 'CAMUS (2023 NIfTI release)',
  'camus-legacy': 'CAMUS (MetaImage release)',
  'echonet-dynamic': 'EchoNet-Dynamic',
  loose: 'loose NIfTI/MetaImage files',
};

export function formatImportSummary(s: CatalogImportSummary, dbPath: string): string {
  const st = s.studies;
  const lines = [
    `${s.unchanged ? 'Unchanged' : 'Imported'}: ${LAYOUT_NAMES[s.layout] ?? s.layout} at ${s.root}${s.scope !== s.root ? ` (only ${s.scope})` : ''}`,
    `  catalog:  ${dbPath}${s.datasetId ? ` (dataset ${s.datasetId})` : ''}`,
    `  studies:  ${st.total} (${st.added} added, ${st.updated} updated, ${st.unchanged} unchanged${st.unavailable ? `, ${st.unavailable} no longer found: marked unavailable` : ''})`,
    `  files:    ${s.files.seen} seen, ${s.files.read} read, ${s.files.cached} unchanged since the last import (not read)`,
  ];
  if (s.errors || s.warnings) {
    lines.push(`  problems: ${s.errors} item(s) not imported, ${s.warnings} warning(s)${s.issues.length < s.errors + s.warnings ? ` (first ${s.issues.length} below)` : ''}:`);
    for (const i of s.issues) lines.push(`    ${i.severity === 'error' ? 'error  ' : 'warning'} [${i.code}] ${i.message}`);
  }
  if (st.total === 0 && s.errors === 0) lines.push(`  nothing to import: no CAMUS or EchoNet-Dynamic layout above ${s.scope} and no NIfTI or MetaImage files in it`);
  lines.push(`  took ${s.seconds.toFixed(2)} s`);
  return lines.join('\n') + '\n';
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import a CAMUS, EchoNet-Dynamic or NIfTI/MetaImage folder into the study catalog',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parse({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the dataset folder to import.' : 'give exactly one folder.');
    const dir = resolve(positionals[0]);
    const dataDir = userDataDir();
    const tty = process.stderr.isTTY === true;
    let last = 0;
    let catalog: Catalog;
    try {
      catalog = new Catalog(dataDir);
    } catch (e) {
      err(`cardiosynth import: cannot open the catalog ${catalogPath(dataDir)}: ${toErrorData(e).message}`);
      return EXIT_FAILED;
    }
    try {
      const summary = await catalog.importFolder(dir, {
        summaryIssues: values.json ? 1_000_000 : 50,
        progress: (done, total, message) => {
          const now = Date.now();
          if (!tty || now - last < 200) return;
          last = now;
          process.stderr.write(`\r\x1b[K${total ? `${done}/${total}` : done} ${message}`.slice(0, (process.stderr.columns || 100) - 1));
        },
      });
      if (tty) process.stderr.write('\r\x1b[K');
      await out(values.json ? JSON.stringify(summary) + '\n' : formatImportSummary(summary, catalog.store.path));
      return summary.errors > 0 ? EXIT_BAD_INPUT : EXIT_OK;
    } catch (e) {
      if (tty) process.stderr.write('\r\x1b[K');
      const d = toErrorData(e);
      err(`cardiosynth import: [${d.kind}] ${d.message}`);
      return d.kind === 'internal' ? EXIT_FAILED : EXIT_BAD_INPUT;
    } finally {
      catalog.close();
    }
  },
};
