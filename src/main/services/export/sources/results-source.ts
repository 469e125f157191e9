/**
 * Generated results as an export source: the folder the inference service writes (the gallery's
 * `<data folder>/results/`, or `generate --out DIR`), or single sidecars (the gallery's kept results): per
 * image `<id>.png`, `<id>.json` (the ResultRecord: everything that made it) and `<id>.labels.png` (the label
 * map that conditioned it). Each becomes a synthetic still with the provenance of its sidecar; it keeps the
 * patient of the catalog study it was made from, so a patient's real studies and their generated images
 * share one split. Paths and study names from the sidecar never reach the export: the label map is named by
 * its checksum.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError, toErrorData } from '../../../../shared/errors.ts';
import type { ResultRecord } from '../../../../shared/inference-types.ts';
import { decodePng } from '../../inference/images/png-decode.ts';
import { resizeNearest } from '../../inference/images/resample.ts';
import { PHANTOM_PALETTE } from '../../phantom/index.ts';
import type { LabelSet } from '../item.ts';
import type { LoadedStudy, ResolvedSources, SourceError, SourceStudy } from './source-study.ts';

function isRecord(v: unknown): v is ResultRecord {
  const r = v as ResultRecord;
  return !!r && r.synthetic === true && typeof r.id === 'string' && !!r.pack && typeof r.pack.key === 'string' && typeof r.seed === 'number' && typeof r.prompt === 'string' && !!r.labelMap;
}

/** The patient a result belongs to: that of the catalog study it was made from, as the dataset sources key it. */
export function resultPatientKey(r: ResultRecord): string {
  const study = r.source?.kind === 'study' ? r.source.study : r.labelMap.kind === 'ground-truth' ? r.labelMap.study : r.labelMap.key?.kind === 'catalog-study' ? r.labelMap.key.study : undefined;
  const m = study ? /^(camus|camus-legacy|echonet):([^:]+)/.exec(study) : null;
  if (m) return `${m[1] === 'camus' ? 'camus-nifti' : m[1] === 'echonet' ? 'echonet-dynamic' : 'camus-legacy'}:${m[2]}`;
  return `result:${r.id}`;
}

const QUALITY = /\b(good|medium|poor) quality\b/i;

function labelSetOf(values: number[]): LabelSet {
  const names: Record<number, string> = {};
  for (const v of [0, ...values]) names[v] = PHANTOM_PALETTE.find((p) => p.value === v)?.name ?? `label ${v}`;
  return { names, maxLabel: Math.max(1, ...values) };
}

/** One sidecar as a source study; an error naming the file when it or its image cannot be used. */
async function resultStudy(sidecar: string): Promise<SourceStudy | SourceError> {
  let record: unknown;
  try {
    record = JSON.parse(await readFile(sidecar, 'utf8'));
  } catch (err) {
    return { path: sidecar, kind: 'malformed', message: `${sidecar}: not a readable result sidecar (${toErrorData(err).message})` };
  }
  if (!isRecord(record)) return { path: sidecar, kind: 'malformed', message: `${sidecar}: not a Cardiosynth result sidecar (no synthetic record with pack, seed, prompt and label map)` };
  const r = record;
  // The files beside the sidecar (the record's own paths are those of the machine that made it).
  const stem = join(dirname(sidecar), basename(sidecar, '.json'));
  const imagePath = `${stem}.png`;
  const labelsPath = `${stem}.labels.png`;
  for (const p of [imagePath, labelsPath]) {
    try {
      await stat(p);
    } catch {
      return { path: p, kind: 'not-found', message: `${p}: missing: the image and label map of result ${r.id} sit beside its sidecar` };
    }
  }
  const view = /\b(2CH|4CH|A4C)\b/.exec(r.prompt)?.[1] ?? null;
  const phase = (/\b(ED|ES)\b/.exec(r.prompt)?.[1] ?? null) as 'ED' | 'ES' | null;
  const q = QUALITY.exec(r.prompt)?.[1]?.toLowerCase();
  const sex = /\bfemale\b/i.test(r.prompt) ? 'F' : /\bmale\b/i.test(r.prompt) ? 'M' : null;
  const labelSet = labelSetOf(r.labelMap.values ?? []);
  return {
    key: `result:${r.id}:${r.pack.sha256}:${r.seed}`,
    patientKey: resultPatientKey(r),
    root: dirname(sidecar),
    origin: imagePath,
    view,
    split: null,
    ef: null,
    quality: q ? q[0].toUpperCase() + q.slice(1) : null,
    sex,
    age: null,
    fps: null,
    burnedInAnnotation: 'NO',
    labelSet,
    edFrame: phase === 'ED' ? 0 : null,
    esFrame: phase === 'ES' ? 0 : null,
    frames: 1,
    draftKey: null,
    made: {
      still: true,
      phase,
      provenance: {
        generator: 'diffusion',
        packId: r.pack.key,
        packSha256: r.pack.sha256,
        prompt: r.prompt,
        negativePrompt: r.negative,
        seed: r.seed,
        scheduler: r.scheduler?.name ?? null,
        steps: r.steps,
        guidance: r.guidance,
        controlScale: r.controlScale,
        labelMap: `${r.labelMap.kind} label map (sha256 ${r.labelMap.sha256.slice(0, 16)})`,
      },
    },
    async load(): Promise<LoadedStudy> {
      const img = decodePng(await readFile(imagePath), imagePath);
      const lab = decodePng(await readFile(labelsPath), labelsPath);
      if (img.bitDepth !== 8 || (img.channels !== 1 && img.channels !== 3)) throw new AppError('unsupported', `${imagePath}: an 8-bit grey or RGB image was expected`);
      if (lab.bitDepth !== 8 || lab.channels !== 1) throw new AppError('unsupported', `${labelsPath}: an 8-bit label map (one value per pixel) was expected`);
      const labels = resizeNearest(lab.samples as Uint8Array, lab.width, lab.height, img.width, img.height);
      return {
        width: img.width, height: img.height, channels: img.channels, frames: [img.samples as Uint8Array], labels: new Map([[0, labels]]),
        labelSet, labelSource: null, pixelSpacingMm: null, lossyHistory: false, fps: 30,
        edFrame: phase === 'ED' ? 0 : null, esFrame: phase === 'ES' ? 0 : null,
      };
    },
  };
}

/** Claims a result sidecar, or a folder holding result sidecars (not recursively); null for anything else. */
export async function resultSources(path: string): Promise<ResolvedSources | null> {
  let sidecars: string[];
  const st = await stat(path);
  if (st.isDirectory()) {
    const names = (await readdir(path)).sort();
    const pngs = new Set(names.filter((n) => n.endsWith('.png')));
    sidecars = names.filter((n) => n.endsWith('.json') && pngs.has(`${n.slice(0, -5)}.png`) && pngs.has(`${n.slice(0, -5)}.labels.png`)).map((n) => join(path, n));
    if (sidecars.length === 0) return null;
  } else if (path.endsWith('.json')) {
    const head = (await readFile(path, 'utf8')).slice(0, 4096);
    if (!/"synthetic"\s*:\s*true/.test(head) || !/"pack"\s*:/.test(head)) return null;
    sidecars = [path];
  } else return null;
  const out: ResolvedSources = { studies: [], errors: [], warnings: [] };
  for (const s of sidecars) {
    const r = await resultStudy(s);
    if ('load' in r) out.studies.push(r);
    else out.errors.push(r);
  }
  return out;
}
