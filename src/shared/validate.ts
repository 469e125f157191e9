import { AppError } from './errors.ts';
import { contract, isMethod, type ApiArgs, type Method } from './contract.ts';

/** Validates a call's method and arguments at a boundary. Throws AppError('unknown-method'|'invalid-argument'). */
export function validateCall<M extends Method>(method: unknown, args: unknown): { method: M; args: ApiArgs<M> } {
  if (!isMethod(method)) throw new AppError('unknown-method', `Unknown API method: ${String(method).slice(0, 80)}`);
  const parsed = contract[method].args.safeParse(args ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`)
      .join('; ');
    throw new AppError('invalid-argument', `Invalid arguments for ${method}: ${issues}`);
  }
  return { method: method as M, args: parsed.data as ApiArgs<M> };
}
