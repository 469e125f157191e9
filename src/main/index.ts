/**
 * Electron main: the desktop door. Services are plain Node (shared with serve and the CLI); this file only
 * wires them to IPC, adds the native open dialog, and opens the locked-down window.
 */
import { app, dialog, BrowserWindow } from 'electron';
import type { ApiHandlers } from '../shared/contract.ts';
import { createHandlers } from './handlers.ts';
import { registerIpc } from './ipc.ts';
import { paths, userDataDir } from './paths.ts';
import { createServices } from './services/index.ts';
import { createMainWindow, lockDownApp } from './window.ts';

// Every renderer sandboxed, whatever a later BrowserWindow forgets to say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  let win: BrowserWindow | null = null;

  const openWindow = (): void => {
    win = createMainWindow({ preloadPath: paths.preload, rendererIndex: paths.rendererIndex, devUrl });
    win.on('closed', () => {
      win = null;
    });
  };

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  void app.whenReady().then(() => {
    lockDownApp();
    const services = createServices({ resourcesDir: paths.resources, dataDir: userDataDir(), version: app.getVersion() });
    const handlers: ApiHandlers = {
      ...createHandlers(services, 'electron'),
      'dialog.pickPaths': async ({ directories }) => {
        const options: Electron.OpenDialogOptions = {
          title: directories ? 'Open DICOM folders' : 'Open DICOM files',
          properties: directories ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
        };
        const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
        return { paths: result.canceled ? [] : result.filePaths };
      },
    };
    services.firstStart.prepare(); // the demo dataset's import, a job the window follows (start.plan)
    registerIpc(handlers, { rendererIndex: paths.rendererIndex, devUrl });
    openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
