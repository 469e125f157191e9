import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { getApi } from './api/get-api.ts';
import { registerFrameLoader } from './viewport/image-loader.ts';
import { ViewerController } from './viewport/viewer-controller.ts';
import { LabelOverlay } from './overlay/label-overlay.ts';
import { installTestHook } from './test-hook.ts';
import './styles.css';

registerFrameLoader(getApi());
const viewer = new ViewerController();
const overlay = new LabelOverlay(viewer, getApi());
installTestHook(viewer, overlay);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App viewer={viewer} overlay={overlay} />
  </StrictMode>,
);
