/**
 * The one application window, locked down per Electron's security checklist: isolated, sandboxed renderer
 * without Node; no new windows, no navigation away, no webviews, no permissions.
 */
import { BrowserWindow, app, session, type WebContents } from 'electron';

export interface WindowOptions {
  preloadPath: string;
  /** out/renderer/index.html */
  rendererIndex: string;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), only in `electron-vite dev`. */
  devUrl?: string;
}

function lockDownContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // The app is one page; any navigation (a dropped file, a link, a script) would replace it.
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

/** Applies to every WebContents the app ever creates, not only our window. Call before any window opens. */
export function lockDownApp(): void {
  app.on('web-contents-created', (_e, contents) => lockDownContents(contents));
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Cardiosynth',
    backgroundColor: '#111318',
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  if (opts.devUrl) void win.loadURL(opts.devUrl);
  else void win.loadFile(opts.rendererIndex);
  return win;
}
