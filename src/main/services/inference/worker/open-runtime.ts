/**
 * Opens a validated pack's ONNX sessions on an execution provider. onnxruntime-node does not fall back from
 * one provider to another (a session asked for ['cuda', 'cpu'] fails when CUDA is missing), so `auto` tries
 * CUDA, then WebGPU, then CPU, one at a time, and records why each one that failed was skipped. A forced
 * provider is tried alone and its failure is the error.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { AppError } from '../../../../shared/errors.ts';
import { PROVIDER_NAMES, type ProviderAttempt, type ProviderChoice, type ProviderName, type ProviderReport } from '../../../../shared/inference-types.ts';
import type { LoadedPack } from '../packs/load-pack.ts';
import type { ModelKey } from '../packs/pack-interfaces.ts';
import type { PackRuntime } from '../pipeline/text-to-image.ts';
import { ClipTokenizer } from '../tokenizer/clip-tokenizer.ts';

export const ORT_VERSION: string = ort.env.versions?.node ?? 'unknown';

/** Where onnxruntime-node keeps its native libraries (for "is the CUDA provider installed?"). */
function ortBinDir(): string | null {
  try {
    const req = createRequire(import.meta.url);
    const pkg = dirname(req.resolve('onnxruntime-node/package.json'));
    return join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

/**
 * On Linux, WebGPU runs on Vulkan: without a Vulkan driver (ICD) it cannot find an adapter, and Dawn prints
 * warnings while finding that out. Checking the loader's search places first gives a clearer reason.
 */
function vulkanDriverNote(): string | null {
  if (process.platform !== 'linux') return null;
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES || process.env.VK_ADD_DRIVER_FILES) return null;
  const dataDirs = (process.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const places = ['/etc/vulkan/icd.d', join(homedir(), '.local/share/vulkan/icd.d'), ...dataDirs.map((d) => join(d, 'vulkan/icd.d'))];
  for (const p of places) {
    try {
      if (readdirSync(p).some((f) => f.endsWith('.json'))) return null;
    } catch {
      /* not there */
    }
  }
  return `no Vulkan driver found (no ICD file in ${places.join(', ')}); install the GPU's Vulkan driver or set VK_DRIVER_FILES`;
}

/**
 * Providers this onnxruntime-node build has, with whether `auto` should try each and why not. A provider the
 * user forces is tried whatever this says.
 */
export function availableProviders(): { provider: ProviderName; installed: boolean; note: string }[] {
  const bin = ortBinDir();
  const cudaLib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  const cuda = !!bin && existsSync(join(bin, cudaLib));
  const listed = new Set(ort.listSupportedBackends?.().map((b) => b.name) ?? ['cpu']);
  const noVulkan = listed.has('webgpu') ? vulkanDriverNote() : null;
  return [
    {
      provider: 'cuda',
      installed: cuda,
      note: cuda ? 'CUDA provider libraries installed' : 'not installed: run `ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci` on a machine with an NVIDIA GPU and internet access',
    },
    {
      provider: 'webgpu',
      installed: listed.has('webgpu') && !noVulkan,
      note: !listed.has('webgpu') ? 'not in this onnxruntime-node build' : (noVulkan ?? 'built in (Dawn; Vulkan, Metal or D3D12 underneath)'),
    },
    { provider: 'cpu', installed: true, note: 'always available' },
  ];
}

const MODEL_ORDER: ModelKey[] = ['unet', 'textEncoder', 'vaeDecoder', 'vaeEncoder'];

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // ORT prefixes messages with source paths; keep what a person can act on.
  const clean = msg.replace(/^\/onnxruntime_src\/\S+\s+/, '').replace(/\s+/g, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 297)}…` : clean;
}

async function createAll(pack: LoadedPack, provider: ProviderName, threads: number): Promise<Record<ModelKey, ort.InferenceSession | null>> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Errors only: a failed provider probe is reported by us, with the reason.
    logSeverityLevel: 3,
    // Idle pool threads sleep instead of spinning between operators: spinning steals the cores the app's
    // own event loop needs (on a 2-core machine the UI stalled for hundreds of ms), for a few % of speed.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  const sessions: Record<ModelKey, ort.InferenceSession | null> = { textEncoder: null, unet: null, vaeDecoder: null, vaeEncoder: null };
  try {
    for (const key of MODEL_ORDER) {
      const path = pack.models[key];
      if (path) sessions[key] = await ort.InferenceSession.create(path, options);
    }
  } catch (e) {
    await Promise.all(Object.values(sessions).map((s) => s?.release()));
    throw e;
  }
  return sessions;
}

export interface OpenedRuntime {
  runtime: PackRuntime;
  report: ProviderReport;
  release(): Promise<void>;
}

export async function openRuntime(pack: LoadedPack, requested: ProviderChoice, threads: number): Promise<OpenedRuntime> {
  const order: ProviderName[] = requested === 'auto' ? [...PROVIDER_NAMES] : [requested];
  const installed = new Map(availableProviders().map((p) => [p.provider, p]));
  const attempts: ProviderAttempt[] = [];
  for (const provider of order) {
    const info = installed.get(provider)!;
    if (!info.installed && requested === 'auto') {
      attempts.push({ provider, ok: false, reason: info.note });
      continue;
    }
    try {
      const s = await createAll(pack, provider, threads);
      attempts.push({ provider, ok: true });
      const runtime: PackRuntime = {
        manifest: pack.manifest,
        interfaces: pack.interfaces,
        schedulerConfig: pack.schedulerConfig,
        tokenizer: new ClipTokenizer(pack.tokenizer, pack.manifest.text.max_length, join(pack.summary.dir, 'tokenizer')),
        textEncoder: s.textEncoder!,
        unet: s.unet!,
        vaeDecoder: s.vaeDecoder!,
        vaeEncoder: s.vaeEncoder,
      };
      return {
        runtime,
        report: { requested, active: provider, attempts, threads },
        release: async () => {
          await Promise.all(Object.values(s).map((x) => x?.release()));
        },
      };
    } catch (e) {
      attempts.push({ provider, ok: false, reason: firstLine(e) });
    }
  }
  const why = attempts.map((a) => `${a.provider}: ${a.reason}`).join('; ');
  // When even the CPU cannot load it, the models themselves are the problem (an operator or opset this
  // onnxruntime lacks, a corrupt graph).
  const cpuFailed = attempts.some((a) => a.provider === 'cpu' && !a.ok);
  throw new AppError(cpuFailed ? 'invalid-pack' : 'unsupported', `${pack.summary.key}: no execution provider could load the pack (${why})`);
}
