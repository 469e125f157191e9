/**
 * Hooks an importer calls while it works, so the catalog can make imports incremental, streamed and
 * cancellable without the importers knowing about SQLite:
 *   probe       every expensive file read goes through it; the catalog answers from its cache when the file's
 *               size and mtime are unchanged, so a re-import reads only what changed
 *   onItem      each item's outcome as soon as it is known, so results are committed in batches as they come
 *   progress    items done / total, with what is being read
 *   checkpoint  throws AppError('cancelled') once the import was cancelled
 */
import type { DatasetItemError, StudyRecord } from '../../../shared/dataset-types.ts';

export type Prober = <T>(path: string, kind: string, read: () => Promise<T>) => Promise<T>;

export interface ItemOutcome {
  study: StudyRecord | null;
  errors: DatasetItemError[];
}

export interface ImportContext {
  probe?: Prober;
  onItem?: (item: ItemOutcome) => void;
  progress?: (done: number, total: number, message: string) => void;
  checkpoint?: () => void;
}

export const directProbe: Prober = (_path, _kind, read) => read();

/** The probe, progress reporting and item reporting an importer uses, with defaults for plain calls. */
export function contextTools(ctx: ImportContext | undefined): Required<ImportContext> {
  return {
    probe: ctx?.probe ?? directProbe,
    onItem: ctx?.onItem ?? (() => undefined),
    progress: ctx?.progress ?? (() => undefined),
    checkpoint: ctx?.checkpoint ?? (() => undefined),
  };
}
