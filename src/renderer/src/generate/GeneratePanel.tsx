import { useEffect, useRef, useState } from 'react';
import type { AppInfo } from '../../../shared/contract.ts';
import type { ConditioningSource, GenerateRequest, PackListing } from '../../../shared/inference-types.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { useStore } from '../components/use-store.ts';
import type { LabelEditor } from '../labels/label-editor.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';
import { Store } from '../viewport/store.ts';
import { CompareDialog } from './CompareDialog.tsx';
import { ConditioningSection, fileConditioning, loadPreview } from './ConditioningSection.tsx';
import { choosePack, formStore } from './form-store.ts';
import { Gallery } from './Gallery.tsx';
import { startJobsFeed } from './jobs-feed.ts';
import { PackSection } from './PackSection.tsx';
import { composedPrompt, PromptSection } from './PromptSection.tsx';
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

  useEffect(() => {
    startJobsFeed();
    getApi()
      ['packs.list']({})
      .then((l) => listingStore.set({ listing: l, error: null }))
      .catch((e: unknown) => listingStore.set({ error: describeError(e) }));
  }, []);

  useEffect(() => {
    if (listing && !pack && listing.packs[0]) choosePack(listing.packs[0]);
  }, [listing, pack]);

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
      await getApi()['generate.start']({ request });
      queueRef.current?.scrollIntoView({ block: 'start' });
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
        <QueueSection />
      </div>
      <Gallery onOpen={setComparing} />
      {comparing && <CompareDialog id={comparing} onClose={() => setComparing(null)} />}
    </div>
  );
}
