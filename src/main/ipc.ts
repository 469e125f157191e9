/**
 * Electron's door: one ipcMain.handle per contract channel. A call is answered only when it comes from our
 * own page in a top-level frame; then it goes through `dispatch` like every other door.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { channelOf, METHOD_NAMES } from '../shared/channels.ts';
import type { ApiHandlers } from '../shared/contract.ts';
import type { Result } from '../shared/errors.ts';
import { dispatch } from './dispatch.ts';
import { isTrustedUrl, type SenderPolicy } from './sender-policy.ts';

function senderAllowed(event: IpcMainInvokeEvent, policy: SenderPolicy): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isTrustedUrl(frame.url, policy);
}

export function registerIpc(handlers: ApiHandlers, policy: SenderPolicy): void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(channelOf(method), async (event, args: unknown): Promise<Result<unknown>> => {
      if (!senderAllowed(event, policy)) {
        return { ok: false, error: { kind: 'forbidden', message: `${method}: refused a call from a frame that is not the Cardiosynth page.` } };
      }
      return dispatch(handlers, method, args);
    });
  }
}
