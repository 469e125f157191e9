/**
 * "The label map shown in the viewer now", as generation's default conditioning: the label editor's draft of
 * the shown frame if it has labels there, else the catalog study's ground truth on that frame, else nothing
 * (the panel then asks for a file). Also the viewer frame a result is paired with (or img2img starts from).
 * Resolved here to a contract variant; main reads the saved draft or the catalog itself, so the request names
 * what it used and the result records its revision.
 */
import type { ConditioningSource, FrameSource } from '../../../shared/inference-types.ts';
import { imageKeyTitle, type ImageKey } from '../../../shared/labels/image-key.ts';
import type { LabelEditor } from '../labels/label-editor.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';

export type ViewerLabels =
  | { kind: 'draft'; key: ImageKey; frame: number; title: string }
  | { kind: 'ground-truth'; study: string; frame: number; title: string }
  | { kind: 'none'; frame: number | null; reason: string };

/** What the viewer shows on `frame` (default: the shown frame) as a conditioning source. */
export function viewerLabels(viewer: ViewerController, editor: LabelEditor, frame = viewer.shownFrame()): ViewerLabels {
  const v = viewer.state.get().viewable;
  if (!v) return { kind: 'none', frame: null, reason: 'Open a study, or give a label map file.' };
  if (editor.hasLabelsOn(v, frame)) {
    const key = editor.imageKey!;
    return { kind: 'draft', key, frame, title: imageKeyTitle(key) };
  }
  if (v.source === 'catalog' && v.labelledFrames.includes(frame)) return { kind: 'ground-truth', study: v.id, frame, title: v.id };
  const where = v.source === 'catalog' && v.labelledFrames.length ? ` (ground truth is on frame(s) ${v.labelledFrames.slice(0, 6).map((f) => f + 1).join(', ')}${v.labelledFrames.length > 6 ? ', …' : ''})` : '';
  return { kind: 'none', frame, reason: `Frame ${frame + 1} has no label map${where}: draw one in the Labels tab, or use a file.` };
}

/** The contract variant for a resolved viewer label map. */
export function conditioningOf(l: Exclude<ViewerLabels, { kind: 'none' }>): ConditioningSource {
  return l.kind === 'draft' ? { kind: 'draft', key: l.key, frame: l.frame } : { kind: 'ground-truth', study: l.study, frame: l.frame };
}

/** One line saying what the viewer's label map is. */
export function describeViewerLabels(l: ViewerLabels, revision: number | null): string {
  if (l.kind === 'draft') return `Your label draft of ${l.title}, frame ${l.frame + 1}${revision !== null ? ` (saved revision ${revision})` : ' (not saved yet)'}`;
  if (l.kind === 'ground-truth') return `The ground truth of ${l.title}, frame ${l.frame + 1} (no draft labels on this frame)`;
  return l.reason;
}

/** The viewer's shown frame as a frame source: a DICOM instance's frame or a catalog study's. */
export function viewerFrame(viewer: ViewerController): FrameSource | null {
  const v = viewer.state.get().viewable;
  if (!v) return null;
  const frame = viewer.shownFrame();
  if (v.source === 'catalog') return { kind: 'study', study: v.id, frame };
  return v.instance ? { kind: 'instance', instanceId: v.instance.id, frame } : null;
}

/**
 * Makes sure generation reads what the editor shows: saves the draft now (autosave would in under a second)
 * and refuses when that failed (a conflict, a full disk), rather than generating from an older revision.
 */
export async function saveDraftFirst(editor: LabelEditor): Promise<void> {
  await editor.flush();
  if (editor.hasUnsaved) throw new Error(`The label draft is not saved (${editor.save.get().message ?? editor.save.get().state}); generation reads the saved draft, so resolve that in the Labels tab first.`);
}
