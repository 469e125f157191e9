/**
 * Loads and validates one model pack folder without running anything: the manifest (zod), model_index.json,
 * the scheduler config (each scheduler's keys), the tokenizer files, every ONNX model's interface and its
 * external weight files, then the pack's size and SHA-256. A bad pack fails with one AppError('invalid-pack')
 * that names the file and the mismatch.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { AppError } from '../../../../shared/errors.ts';
import type { PackSource, PackSummary, SchedulerName } from '../../../../shared/inference-types.ts';
import { firstIssue, packManifestSchema, type PackManifest } from '../../../../shared/pack-manifest.ts';
import { createScheduler } from '../schedulers/index.ts';
import { ClipTokenizer, type TokenizerFiles } from '../tokenizer/clip-tokenizer.ts';
import { OnnxParseError, readOnnxHeader, type OnnxHeader } from './onnx-header.ts';
import { checkInterfaces, MODEL_FILES, type ModelKey, type PackInterfaces } from './pack-interfaces.ts';
import { packHash } from './pack-hash.ts';

export const MANIFEST_FILE = 'cardiosynth.json';
const TOKENIZER_FILES = ['tokenizer/vocab.json', 'tokenizer/merges.txt', 'tokenizer/tokenizer_config.json', 'tokenizer/special_tokens_map.json'];

/** Everything the engine needs to run a validated pack. Plain data (it is sent to the worker). */
export interface LoadedPack {
  summary: PackSummary;
  manifest: PackManifest;
  interfaces: PackInterfaces;
  schedulerConfig: Record<string, unknown>;
  tokenizer: TokenizerFiles;
  /** Absolute paths of the ONNX models (vaeEncoder null when absent). */
  models: Record<ModelKey, string | null>;
}

const packError = (dir: string, file: string, what: string) => new AppError('invalid-pack', `${join(dir, file)}: ${what}`);

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readText(dir: string, file: string, required = true): Promise<string | null> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return null;
    throw packError(dir, file, code === 'ENOENT' ? 'missing' : `cannot be read (${(e as Error).message})`);
  }
}

async function readJson(dir: string, file: string, required = true): Promise<unknown> {
  const text = await readText(dir, file, required);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw packError(dir, file, `is not valid JSON (${(e as Error).message})`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Reads and validates the manifest alone (for listings of folders that fail later checks). */
export async function readManifest(dir: string): Promise<PackManifest> {
  const raw = await readJson(dir, MANIFEST_FILE);
  const parsed = packManifestSchema.safeParse(raw);
  if (!parsed.success) throw packError(dir, MANIFEST_FILE, firstIssue(parsed.error));
  return parsed.data;
}

async function onnx(dir: string, key: ModelKey, required: boolean): Promise<OnnxHeader | null> {
  const file = MODEL_FILES[key];
  const path = join(dir, file);
  if (!(await exists(path))) {
    if (!required) return null;
    throw packError(dir, file, 'missing');
  }
  try {
    return await readOnnxHeader(path);
  } catch (e) {
    if (e instanceof OnnxParseError) throw packError(dir, file, `is not a complete ONNX model: ${e.message}`);
    throw packError(dir, file, `cannot be read (${(e as Error).message})`);
  }
}

/** Checks external weight files: inside the model's folder, present, long enough. Returns their paths. */
async function externalFiles(dir: string, key: ModelKey, header: OnnxHeader): Promise<string[]> {
  const modelDir = join(dir, MODEL_FILES[key], '..');
  const need = new Map<string, number>();
  for (const ref of header.external) {
    const loc = normalize(ref.location);
    if (!ref.location || isAbsolute(loc) || loc.startsWith('..')) {
      throw packError(dir, MODEL_FILES[key], `tensor "${ref.tensor}" keeps its weights at "${ref.location}", outside the model's folder`);
    }
    need.set(loc, Math.max(need.get(loc) ?? 0, ref.offset + (ref.length ?? 0)));
  }
  const out: string[] = [];
  for (const [loc, end] of need) {
    const path = join(modelDir, loc);
    const rel = relative(dir, path).split(sep).join('/');
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw packError(dir, rel, `missing (${MODEL_FILES[key]} keeps weights there)`);
    }
    if (size < end) throw packError(dir, rel, `is ${size} bytes but ${MODEL_FILES[key]} reads up to byte ${end} (truncated?)`);
    out.push(path);
  }
  return out;
}

export async function loadPack(dir: string, source: PackSource): Promise<LoadedPack> {
  const manifest = await readManifest(dir);
  const index = await readJson(dir, 'model_index.json');
  if (!isRecord(index)) throw packError(dir, 'model_index.json', 'is not a JSON object');

  const schedulerConfig = await readJson(dir, 'scheduler/scheduler_config.json');
  if (!isRecord(schedulerConfig)) throw packError(dir, 'scheduler/scheduler_config.json', 'is not a JSON object');
  const defaultScheduler: SchedulerName = manifest.defaults?.scheduler ?? 'ddim';
  try {
    createScheduler(defaultScheduler, schedulerConfig);
  } catch (e) {
    if (e instanceof AppError) throw new AppError('invalid-pack', `${dir}/${e.message}`);
    throw e;
  }

  const vocab = await readJson(dir, 'tokenizer/vocab.json');
  if (!isRecord(vocab) || !Object.values(vocab).every((v) => Number.isInteger(v))) throw packError(dir, 'tokenizer/vocab.json', 'is not an object of token -> integer id');
  const merges = (await readText(dir, 'tokenizer/merges.txt'))!;
  const tokConfig = (await readJson(dir, 'tokenizer/tokenizer_config.json', false)) ?? {};
  const special = (await readJson(dir, 'tokenizer/special_tokens_map.json', false)) ?? {};
  if (!isRecord(tokConfig)) throw packError(dir, 'tokenizer/tokenizer_config.json', 'is not a JSON object');
  if (!isRecord(special)) throw packError(dir, 'tokenizer/special_tokens_map.json', 'is not a JSON object');
  const tokenizer: TokenizerFiles = { vocab: vocab as Record<string, number>, merges, config: { ...special, ...tokConfig } };
  // Building the tokenizer checks merges.txt, the special tokens and model_max_length against the manifest.
  new ClipTokenizer(tokenizer, manifest.text.max_length, join(dir, 'tokenizer'));

  const headers: Record<ModelKey, OnnxHeader | null> = {
    textEncoder: await onnx(dir, 'textEncoder', true),
    unet: await onnx(dir, 'unet', true),
    vaeDecoder: await onnx(dir, 'vaeDecoder', true),
    vaeEncoder: await onnx(dir, 'vaeEncoder', false),
  };
  const interfaces = checkInterfaces(manifest, headers, `${dir}/`);

  const files = ['cardiosynth.json', 'model_index.json', 'scheduler/scheduler_config.json'].map((f) => join(dir, f));
  for (const f of TOKENIZER_FILES) if (await exists(join(dir, f))) files.push(join(dir, f));
  const models: Record<ModelKey, string | null> = { textEncoder: null, unet: null, vaeDecoder: null, vaeEncoder: null };
  for (const key of Object.keys(headers) as ModelKey[]) {
    const h = headers[key];
    if (!h) continue;
    models[key] = join(dir, MODEL_FILES[key]);
    files.push(models[key], ...(await externalFiles(dir, key, h)));
  }
  const { sha256, sizeBytes } = await packHash(dir, files);

  const p = manifest.prompt ?? {};
  const d = manifest.defaults ?? {};
  const summary: PackSummary = {
    key: `${manifest.id}@${manifest.version}`,
    id: manifest.id,
    version: manifest.version,
    name: manifest.name,
    description: manifest.description ?? '',
    license: manifest.license,
    modality: manifest.modality ?? null,
    dir,
    source,
    sizeBytes,
    sha256,
    resolution: manifest.resolution,
    channels: manifest.channels,
    conditioning: manifest.conditioning,
    prompt: { fields: p.fields ?? {}, template: p.template ?? '', example: p.example ?? '', negativeDefault: p.negative_default ?? '' },
    defaults: { scheduler: defaultScheduler, steps: d.steps ?? 25, guidance: d.guidance ?? 3, controlScale: d.control_scale ?? 1 },
    provenance: manifest.provenance,
    img2img: interfaces.vaeEncoder !== null,
    schedulerClass: typeof schedulerConfig._class_name === 'string' ? schedulerConfig._class_name : 'unknown',
  };
  return { summary, manifest, interfaces, schedulerConfig, tokenizer, models };
}
