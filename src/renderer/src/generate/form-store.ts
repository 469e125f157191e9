/**
 * The generation panel's settings, kept outside React so they survive switching side tabs (a hidden tab is
 * not rendered). Choosing a pack applies its defaults.
 */
import type { LabelFileEncoding, PackSummary, ProviderChoice, SchedulerName, SeedMode } from '../../../shared/inference-types.ts';
import { Store } from '../viewport/store.ts';

export interface GenerateForm {
  packKey: string;
  /** Chosen value per structured prompt field ('' = not in the prompt). */
  fields: Record<string, string>;
  freeText: string;
  negative: string;
  /** Condition on the label map shown in the viewer (the draft, else the ground truth) or on a file. */
  labelSource: 'viewer' | 'file';
  labelPath: string;
  labelFrame: number;
  labelEncoding: LabelFileEncoding;
  /** Record the viewer's current frame as the result's source (shown beside it). */
  pairWithViewer: boolean;
  /** img2img from the viewer's current frame. */
  img2img: boolean;
  strength: number;
  scheduler: SchedulerName;
  steps: number;
  guidance: number;
  controlScale: number;
  controlStart: number;
  controlEnd: number;
  seedMode: SeedMode;
  seed: number;
  count: number;
  provider: ProviderChoice;
}

export const formStore = new Store<GenerateForm>({
  packKey: '',
  fields: {},
  freeText: '',
  negative: '',
  labelSource: 'viewer',
  labelPath: '',
  labelFrame: 0,
  labelEncoding: 'auto',
  pairWithViewer: true,
  img2img: false,
  strength: 0.6,
  scheduler: 'ddim',
  steps: 25,
  guidance: 3,
  controlScale: 1,
  controlStart: 0,
  controlEnd: 1,
  seedMode: 'increment',
  seed: 42,
  count: 1,
  provider: 'auto',
});

/** Selects a pack and takes its defaults (scheduler, steps, guidance, control scale, negative prompt). */
export function choosePack(p: PackSummary): void {
  const first = Object.fromEntries(Object.entries(p.prompt.fields).map(([k, v]) => [k, v[0] ?? '']));
  formStore.set({
    packKey: p.key,
    fields: first,
    negative: p.prompt.negativeDefault,
    scheduler: p.defaults.scheduler,
    steps: p.defaults.steps,
    guidance: p.defaults.guidance,
    controlScale: p.defaults.controlScale,
    img2img: formStore.get().img2img && p.img2img,
  });
}
