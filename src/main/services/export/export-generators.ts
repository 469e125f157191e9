/**
 * The generators a recipe can name, built for the door that runs the export: the phantom everywhere, and a
 * model pack through the inference engine where one is given (the app's shared engine process, or one the
 * CLI starts for the run and stops after it).
 */
import { isAbsolute, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { AppError } from '../../../shared/errors.ts';
import type { GeneratorSpec } from '../../../shared/export-recipe.ts';
import type { ProviderChoice } from '../../../shared/inference-types.ts';
import type { InferenceService } from '../inference/index.ts';
import { PackRegistry } from '../inference/packs/pack-registry.ts';
import { EngineHost } from '../inference/worker/engine-host.ts';
import type { DiffusionEngine } from './diffusion-generator.ts';
import { createDiffusionGenerator } from './diffusion-generator.ts';
import type { SyntheticGenerator } from './generator.ts';
import { createPhantomGenerator } from './phantom-generator.ts';

/** The app's (or serve's) inference service as the export's engine: shared, so closing it is a no-op. */
export function sharedEngine(inference: InferenceService, provider: ProviderChoice = 'auto'): DiffusionEngine {
  return {
    resolvePack: (ref) => inference.packs.resolve(ref),
    generate: (task, hooks) => inference.engine.generate(task, hooks),
    threads: inference.threads,
    provider,
  };
}

/** An engine process of its own (the CLI): packs from `resourcesDir`/packs and `<dataDir>/packs`; stopped on close. */
export function ownEngine(resourcesDir: string, dataDir: string, options: { provider?: ProviderChoice; threads?: number } = {}): DiffusionEngine {
  const packs = new PackRegistry(resourcesDir, dataDir);
  let host: EngineHost | null = null;
  return {
    resolvePack: (ref) => packs.resolve(ref),
    generate: (task, hooks) => (host ??= new EngineHost()).generate(task, hooks),
    threads: options.threads ?? (Number(process.env.CARDIOSYNTH_THREADS) || Math.max(1, Math.min(8, availableParallelism() - 1))),
    provider: options.provider ?? 'auto',
    close: async () => {
      await host?.dispose();
      host = null;
    },
  };
}

/**
 * `createGenerator` for runExport: the phantom, or the diffusion pack the recipe names (a pack id, id@version,
 * or a folder, relative to the recipe's folder) on `engine`. Without an engine, diffusion is refused.
 */
export function exportGenerators(engine: (() => DiffusionEngine) | null, baseDir: string): (spec: GeneratorSpec, softwareVersion: string) => Promise<SyntheticGenerator> {
  return async (spec, softwareVersion) => {
    if (spec.kind === 'phantom') return createPhantomGenerator(softwareVersion);
    if (!engine) throw new AppError('unsupported', `generator "diffusion" (pack ${spec.pack}) needs the inference engine, which this caller did not provide`);
    const looksLikePath = /[\\/]/.test(spec.pack) || spec.pack.startsWith('.');
    const pack = looksLikePath && !isAbsolute(spec.pack) ? resolve(baseDir, spec.pack) : spec.pack;
    const e = engine();
    try {
      return await createDiffusionGenerator({ ...spec, pack }, e);
    } catch (err) {
      await e.close?.();
      throw err;
    }
  };
}
