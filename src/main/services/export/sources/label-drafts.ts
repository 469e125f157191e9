/**
 * The user's label drafts over a study's own label maps: where the researcher drew or corrected a frame in the
 * workstation (a draft keyed by the catalog study id or the DICOM file), that map is what the export carries
 * for the frame and what conditions the study's synthetic variants; the dataset's ground truth stays on the
 * other frames. The draft's revision joins the plan's fingerprint, so a draft edited between a run and its
 * resume is noticed instead of mixing two versions of the labels.
 */
import { AppError } from '../../../../shared/errors.ts';
import type { ImageKey } from '../../../../shared/labels/image-key.ts';
import { imageKeyTitle } from '../../../../shared/labels/image-key.ts';
import type { LabelSet } from '../item.ts';
import type { SourceStudy } from './source-study.ts';

/** What the export reads of the label service (services/labels/): a draft's summary and its frames' maps. */
export interface DraftReader {
  draft(key: ImageKey): { revision: number; labelledFrames: number[]; width: number; height: number; palette: Array<{ value: number; name: string }> } | null;
  get(key: ImageKey, frame: number): { width: number; height: number; data: Uint8Array } | null;
}

function withPalette(set: LabelSet | null, palette: Array<{ value: number; name: string }>, values: number[]): LabelSet {
  const names: Record<number, string> = { ...(set?.names ?? { 0: 'background' }) };
  for (const p of palette) names[p.value] ??= p.name;
  return { names, maxLabel: Math.max(set?.maxLabel ?? 0, ...values, ...palette.map((p) => p.value)) };
}

/** The studies, each one with a non-empty draft reading the draft's maps over its own. */
export function withDrafts(studies: SourceStudy[], drafts: DraftReader): SourceStudy[] {
  return studies.map((s) => {
    if (!s.draftKey || s.made?.still) return s;
    const d = drafts.draft(s.draftKey);
    if (!d || d.labelledFrames.length === 0) return s;
    const key = s.draftKey;
    const frames = [...d.labelledFrames];
    const revision = d.revision;
    return {
      ...s,
      draftRevision: revision,
      labelSet: withPalette(s.labelSet, d.palette, []),
      async load() {
        const l = await s.load();
        const labels = new Map(l.labels);
        let max = 0;
        for (const f of frames) {
          if (f >= l.frames.length) continue;
          const m = drafts.get(key, f);
          if (!m) continue;
          if (m.width !== l.width || m.height !== l.height) {
            throw new AppError('malformed', `the label draft of ${imageKeyTitle(key)} is ${m.width}x${m.height}, its images ${l.width}x${l.height}; open it in the Labels tab to check it`);
          }
          labels.set(f, m.data);
          for (const v of m.data) if (v > max) max = v;
        }
        const own = l.labelSource ? ` over ${l.labelSource}` : '';
        return {
          ...l,
          labels,
          labelSet: withPalette(l.labelSet, d.palette, [max]),
          labelSource: `label draft revision ${revision} (frames ${frames.join(', ')})${own}`,
        };
      },
    };
  });
}
