/**
 * Which page may call the API over IPC: our built renderer file, or the electron-vite dev server in
 * development. Kept free of electron so it can be tested under Node.
 */
import { pathToFileURL } from 'node:url';

export interface SenderPolicy {
  /** out/renderer/index.html */
  rendererIndex: string;
  /** The dev server URL in `electron-vite dev`; its origin is trusted then. */
  devUrl?: string;
}

/** True when `frameUrl` is our renderer page: the built file, or the dev server's origin in development. */
export function isTrustedUrl(frameUrl: string, policy: SenderPolicy): boolean {
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  if (url.protocol === 'file:') {
    const ours = new URL(pathToFileURL(policy.rendererIndex).href);
    return url.pathname === ours.pathname && url.host === ours.host;
  }
  if (policy.devUrl) {
    try {
      return url.origin === new URL(policy.devUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
}

