/**
 * A dataset that says it is synthetic (manifest.json of an export, the phantom's cardiosynth-dataset.json;
 * read as the catalog reads it) keeps saying so through an export: its studies become synthetic items with
 * what the dataset records of how they were made, never real ones.
 */
import type { StudyRecord } from '../../../../shared/dataset-types.ts';
import type { DatasetLayout } from '../../../../shared/dataset-types.ts';
import { readDatasetProvenance } from '../../datasets/catalog/provenance.ts';
import type { GenerationProvenance } from '../item.ts';
import type { MadeItem } from './source-study.ts';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

/** GenerationProvenance from a manifest entry (an export's manifest.json row) or a dataset's own note. */
export function provenanceFromRecord(item: Record<string, unknown> | null, dataset: Record<string, unknown>): GenerationProvenance {
  if (item && (str(item.model_pack_id) || str(item.generator))) {
    const generator = item.generator === 'diffusion' || item.generator === 'phantom' ? item.generator : 'dataset';
    return {
      generator,
      packId: str(item.model_pack_id) ?? str(item.generator) ?? 'unknown',
      packSha256: str(item.model_pack_sha256),
      prompt: str(item.prompt) ?? '',
      negativePrompt: str(item.negative_prompt) ?? '',
      seed: num(item.seed),
      scheduler: str(item.scheduler),
      steps: num(item.steps),
      guidance: num(item.guidance),
      controlScale: num(item.control_scale),
      labelMap: str(item.label_map),
    };
  }
  const made = str(dataset.generator) ?? str(dataset.notice) ?? str(dataset.source) ?? 'a synthetic dataset';
  return {
    generator: /phantom/i.test(made) ? 'phantom' : 'dataset',
    packId: made,
    packSha256: null,
    prompt: '',
    negativePrompt: '',
    seed: num(dataset.seed),
    scheduler: null,
    steps: null,
    guidance: null,
    controlScale: null,
    labelMap: null,
  };
}

/** For each study of the dataset at `root`: its MadeItem when the dataset declares it synthetic, else null. */
export async function datasetMadeItems(root: string, layout: DatasetLayout): Promise<(r: StudyRecord) => MadeItem | null> {
  const prov = await readDatasetProvenance(root, layout);
  return (r) => {
    const p = prov.forStudy(r);
    if (p.kind !== 'synthetic') return null;
    return { provenance: provenanceFromRecord(p.item, p.detail), still: false, phase: null };
  };
}
