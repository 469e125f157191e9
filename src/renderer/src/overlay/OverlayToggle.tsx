import { useStore, useStoreSelect } from '../components/use-store.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';
import type { LabelOverlay } from './label-overlay.ts';

/** The view toolbar's overlay switch, enabled for studies that have ground-truth labels or tracings. */
export function OverlayToggle({ overlay, viewer }: { overlay: LabelOverlay; viewer: ViewerController }) {
  const { visible } = useStore(overlay.settings);
  const labelled = useStoreSelect(viewer.state, (s) => !!s.viewable && s.viewable.labelledFrames.length + s.viewable.tracedFrames.length > 0);
  return (
    <button type="button" onClick={() => overlay.toggle()} disabled={!labelled} aria-pressed={visible && labelled} aria-label="Ground-truth overlay" title="Ground-truth label overlay (O)">
      GT overlay
    </button>
  );
}
