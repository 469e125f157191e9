/**
 * The renderer's view of the bridge: `window.api` is exactly the contract (src/shared/contract.ts). Under the
 * serve door the renderer installs the same type over its WebSocket client. A rejected call's Error carries
 * its kind in the message as `[kind] message` (see src/shared/bridge-error.ts: errorDataOf).
 */
import type { Api } from '../shared/contract.ts';

declare global {
  interface Window {
    api: Api;
  }
}

export {};
