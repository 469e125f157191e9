import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { getApi } from './api/get-api.ts';
import { registerFrameLoader } from './viewport/image-loader.ts';
import { ViewerController } from './viewport/viewer-controller.ts';
import { LabelOverlay } from './overlay/label-overlay.ts';
import { installTestHook } from './test-hook.ts';
import { LabelEditor } from './labels/label-editor.ts';
import { guardUnsavedLabels } from './labels/unload-guard.ts';
import './styles.css';

registerFrameLoader(getApi());
const viewer = new ViewerController();
const overlay = new LabelOverlay(viewer, getApi());
const labels = new LabelEditor(viewer);
guardUnsavedLabels(labels);
// Where the editor shows a draft with labels, the ground truth is outlined over it (drawn by the editor's layer).
overlay.setDraftProbe((viewable, frame) => labels.hasLabelsOn(viewable, frame, { shown: true }));
labels.layer.setAbove((ctx, frame) => overlay.drawAbove(ctx, frame));
installTestHook(viewer, labels, overlay);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App viewer={viewer} overlay={overlay} labels={labels} />
  </StrictMode>,
);
