import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Main and preload are bundled for Electron; the renderer is a plain web bundle that the Electron window
// and the `serve` door both load, so it must not assume either.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // The inference engine runs in its own process (child_process.fork of this file, beside index.js).
          'inference-worker': resolve(__dirname, 'src/main/services/inference/worker/inference-worker.ts'),
        },
        // Shared chunks sit beside the entries, not in a sub-folder: paths.ts and the engine host locate
        // files relative to their own module, which must stay one level below the repository root.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // A sandboxed preload is a classic script that may require only 'electron': one CommonJS file, never
        // ESM (which "type": "module" would otherwise select) and never split into chunks.
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    base: './',
    plugins: [react()],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
  },
});
