import { useEffect, useRef, useState } from 'react';
import type { AppInfo } from '../../../shared/contract.ts';
import type { ConditioningSource, GenerateRequest, PackListing } from '../../../shared/inference-types.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { useStore, useStoreSelect } from '../components/use-store.ts';
import type { LabelEditor } from '../labels/label-editor.ts';
import { startStore } from '../start/first-start.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';
import { Store } from '../viewport/store.ts';
import { CompareDialog } from './CompareDialog.tsx';
import { ConditioningSection, fileConditioning, loadPreview } from './ConditioningSection.tsx';
import { choosePack, formStore } from './form-store.ts';
import { Gallery } from './Gallery.tsx';
import { startJobsFeed } from './jobs-feed.ts';
import { LatestResult, revealNextResult } from './LatestResult.tsx';
import { PackSection } from './PackSection.tsx';
import { composedPrompt, fillPromptFromStudy, PromptSection } from './PromptSection.tsx';
import { QueueSection } from './QueueSection.tsx';
import { SettingsSection } from './SettingsSection.tsx';
import { conditioningOf, saveDraftFirst, viewerFrame, viewerLabels } from './viewer-labels.ts';
import './generate.css';

const listingStore = new Store<{ listing: PackListing | null; error: string | null }>({ listing: null, error: null });

interface Props {
  viewer: ViewerController;
  /** The label editor: its draft of the shown frame is the default conditioning. */
  labels: LabelEditor;
  info: AppInfo | null;
}

/**
 * The Generate tab: pick a pack, compose a prompt, give a label map, set sampling, generate (queued as a job),
 * follow progress, and review results in the gallery.
 */
export function GeneratePanel({ viewer, labels, info }: Props) {
  const { listing, error: listError } = useStore(listingStore);
  const form = useStore(formStore);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [comparing, setComparing] = useState<string | null>(null);
  const pack = listing?.packs.find((p) => p.key === form.packKey) ?? null;
  const canPick = info?.canPickPaths ?? false;
  const queueRef = useRef<HTMLDivElement>(null);
  const { promptFrom, welcome } = useStore(startStore);
  const shownStudy = useStoreSelect(viewer.state, (s) => (s.viewable?.source === 'catalog' ? s.viewable.id : null));

  useEffect(() => {
    startJobsFeed();
    getApi()
      ['packs.list']({})
      .then((l) => listingStore.set({ listing: l, error: null }))
      .catch((e: unknown) => listingStore.set({ error: describeError(e) }));
  }, []);

  // No pack chosen (or the chosen one is gone): the default, the embedded pack.
  useEffect(() => {
    const fallback = listing?.packs.find((p) => p.key === listing.defaultKey) ?? listing?.packs[0];
    if (!pack && fallback) choosePack(fallback);
  }, [listing, pack]);

  // First start: the prompt says what the demo study shows (view, phase, quality, ...), once both are there.
  useEffect(() => {
    if (!pack || !promptFrom || shownStudy !== promptFrom) return;
    fillPromptFromStudy(viewer, pack);
    startStore.set({ promptFrom: null });
  }, [pack, promptFrom, shownStudy, viewer]);

  const generate = async () => {
    if (!pack) return;
    setSubmitError(null);
    const f = formStore.get();
    let conditioning: ConditioningSource | null;
    const shown = viewerLabels(viewer, labels);
    if (f.labelSource === 'viewer') {
      if (shown.kind === 'none') {
        setSubmitError(shown.reason);
        return;
      }
      conditioning = conditioningOf(shown);
    } else conditioning = fileConditioning(f);
    if (!conditioning) {
      setSubmitError('Give a label map file: generation is conditioned on one.');
      return;
    }
    const frame = viewerFrame(viewer) ?? undefined;
    if (f.img2img && !frame) {
      setSubmitError('img2img starts from the viewer’s frame: open an image first.');
      return;
    }
    if (conditioning.kind === 'draft') {
      try {
        await saveDraftFirst(labels);
      } catch (e) {
        setSubmitError(describeError(e));
        return;
      }
    }
    const request: GenerateRequest = {
      pack: pack.key,
      prompt: composedPrompt(pack),
      negative: f.negative,
      conditioning,
      ...(f.img2img && frame ? { init: frame, strength: f.strength } : {}),
      ...(f.pairWithViewer && frame ? { source: frame } : {}),
      scheduler: f.scheduler,
      steps: f.steps,
      guidance: f.guidance,
      controlScale: f.controlScale,
      controlStart: f.controlStart,
      controlEnd: f.controlEnd,
      seedMode: f.seedMode,
      seed: f.seed,
      count: f.count,
      provider: f.provider,
    };
    setSubmitting(true);
    try {
      void loadPreview(pack, conditioning);
      revealNextResult();
      await getApi()['generate.start']({ request });
      startStore.set({ welcome: false });
      queueRef.current?.scrollIntoView({ block: 'nearest' });
      // The next batch continues the seeds instead of repeating them.
      if (f.seedMode === 'increment') formStore.set({ seed: f.seed + f.count });
    } catch (e) {
      setSubmitError(describeError(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="generate" aria-label="Generate panel">
      {welcome && (
        <p className="gen-welcome small" role="note" aria-label="First start">
          <span>
            A synthetic phantom study from the demo dataset is open with its ground truth, and the embedded model pack is chosen: <b>Generate</b> makes a synthetic image from that label map.
          </span>
          <button type="button" className="link-button" aria-label="Dismiss the first-start note" onClick={() => startStore.set({ welcome: false })}>
            ×
          </button>
        </p>
      )}
      <PackSection listing={listing} selected={pack} canPick={canPick} onListing={(l) => listingStore.set({ listing: l })} onChoose={choosePack} />
      {listError && <p role="alert" className="error-text small">{listError}</p>}
      <PromptSection pack={pack} viewer={viewer} />
      <ConditioningSection pack={pack} viewer={viewer} editor={labels} canPick={canPick} />
      <SettingsSection />
      <div className="gen-go">
        <button type="button" className="primary" onClick={() => void generate()} disabled={!pack || submitting || form.controlStart >= form.controlEnd}>
          Generate {form.count > 1 ? `${form.count} images` : ''}
        </button>
        <span className="muted small">Results are synthetic and saved with how they were made.</span>
      </div>
      {submitError && (
        <p role="alert" className="error-text small">
          {submitError}
        </p>
      )}
      <div ref={queueRef}>
        <LatestResult onOpen={setComparing} />
        <QueueSection />
      </div>
      <Gallery onOpen={setComparing} />
      {comparing && <CompareDialog id={comparing} onClose={() => setComparing(null)} />}
    </div>
  );
}
