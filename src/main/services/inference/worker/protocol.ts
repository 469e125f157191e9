/**
 * Messages between the inference service (main process) and its engine process: a tagged union with request
 * ids, sent over the child-process IPC channel with structured-clone serialization (typed arrays included).
 */
import type { ErrorData } from '../../../../shared/errors.ts';
import type { EngineStatus, ProviderChoice, ProviderReport } from '../../../../shared/inference-types.ts';
import type { LoadedPack } from '../packs/load-pack.ts';
import type { PipelineInput, PipelineOutput } from '../pipeline/text-to-image.ts';

export interface GenerateTask {
  pack: LoadedPack;
  provider: ProviderChoice;
  /** CPU intra-op threads. */
  threads: number;
  input: PipelineInput;
}

/** What the engine sends back for one image (the float copies stay there). */
export type WorkerImage = Omit<PipelineOutput, 'decoded' | 'latents'>;

export type ToWorker =
  | { type: 'generate'; id: number; task: GenerateTask }
  /** Stop request `id` before its next model call. Handled at once, not queued behind the generation. */
  | { type: 'cancel'; id: number }
  /** Release every loaded pack except these keys (memory pressure). */
  | { type: 'release'; keep: string[] };

export type FromWorker =
  | { type: 'ready'; pid: number; onnxruntime: string; available: EngineStatus['available'] }
  | { type: 'loaded'; id: number; report: ProviderReport; loadMs: number; cached: boolean }
  | { type: 'step'; id: number; step: number; steps: number }
  | { type: 'done'; id: number; image: WorkerImage }
  | { type: 'error'; id: number; error: ErrorData }
  | { type: 'released'; loaded: string[] };
