/**
 * The renderer's one way to main: `window.api` where Electron's preload exposed it, else the `serve` door's
 * WebSocket client built from the page's location.
 */
import { errorDataOf } from '../../../shared/bridge-error.ts';
import type { Api } from '../../../shared/contract.ts';
import { WsClient, wsUrlFromLocation, type ConnectionStatus } from './ws-client.ts';

let api: Api | null = null;
let wsClient: WsClient | null = null;

function preloadApi(): Api | undefined {
  // Typed by src/preload/api-types.d.ts as always present; under serve it is not.
  return (window as Partial<Pick<Window, 'api'>>).api;
}

export function getApi(): Api {
  if (api) return api;
  const fromPreload = preloadApi();
  if (fromPreload) {
    api = fromPreload;
  } else {
    wsClient = new WsClient(wsUrlFromLocation(window.location));
    api = wsClient.api;
  }
  return api;
}

/** Connection status of the serve door; always "open" under Electron. */
export function onConnectionStatus(listener: (s: ConnectionStatus) => void): () => void {
  getApi();
  if (!wsClient) return () => undefined;
  return wsClient.onStatus(listener);
}

/** Errors from any door carry a kind (as a property, or as "[kind] " in the message across Electron's
 * bridge); this gives a one-line "[kind] message" for the UI. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const e = errorDataOf(err);
    return `[${e.kind}] ${e.message}`;
  }
  if (err && typeof err === 'object' && 'message' in err) {
    const kind = 'kind' in err && typeof err.kind === 'string' ? `[${err.kind}] ` : '';
    return `${kind}${String((err as { message: unknown }).message)}`;
  }
  return String(err);
}
