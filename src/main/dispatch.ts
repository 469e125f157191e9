/**
 * The one call path every door uses: validate the method and arguments against the contract, run the
 * handler, and return the outcome as a value. Nothing thrown here crosses a door.
 */
import type { ApiHandlers } from '../shared/contract.ts';
import { toErrorData, type Result } from '../shared/errors.ts';
import { validateCall } from '../shared/validate.ts';

export type Logger = (message: string) => void;

export async function dispatch(
  handlers: ApiHandlers,
  method: unknown,
  args: unknown,
  log: Logger = (m) => console.error(m),
): Promise<Result<unknown>> {
  try {
    const call = validateCall(method, args);
    const handler = handlers[call.method] as (a: unknown) => unknown;
    return { ok: true, value: await handler(call.args) };
  } catch (err) {
    const error = toErrorData(err);
    // An 'internal' error is a bug: keep its stack where a developer will see it, not in the reply.
    if (error.kind === 'internal') log(`cardiosynth: ${String(method)} failed: ${err instanceof Error ? err.stack : String(err)}`);
    return { ok: false, error };
  }
}
