/**
 * Checks each model's inputs and outputs against what the pipeline needs (the table in docs/model-pack.md)
 * and the manifest's sizes, and returns how to call them (dtypes, shapes, output names). Names, ranks, dtypes
 * and fixed dimensions are checked; a symbolic dimension is accepted. The first mismatch is reported with the
 * file, the value and what was expected.
 */
import { AppError } from '../../../../shared/errors.ts';
import type { PackManifest } from '../../../../shared/pack-manifest.ts';
import type { OnnxHeader, OnnxValue } from './onnx-header.ts';

export const MODEL_FILES = {
  textEncoder: 'text_encoder/model.onnx',
  unet: 'unet/model.onnx',
  vaeDecoder: 'vae_decoder/model.onnx',
  vaeEncoder: 'vae_encoder/model.onnx',
} as const;

export type ModelKey = keyof typeof MODEL_FILES;

/** How the pipeline calls one pack's models. Plain data: it is sent to the inference worker. */
export interface PackInterfaces {
  text: { idsType: 'int32' | 'int64'; output: string; batch: number | null };
  unet: {
    timestepType: 'float32' | 'int64';
    /** [] scalar, [1] one timestep broadcast, or [B] one per batch item. */
    timestepShape: 'scalar' | 'one' | 'batch';
    /** [N] or [N, 1] */
    scalesRank: 1 | 2;
    output: string;
    /** A fixed batch size (1 or 2), or null when symbolic. */
    batch: number | null;
  };
  vaeDecoder: { output: string; batch: number | null };
  vaeEncoder: { output: string; batch: number | null } | null;
}

type Dim = number | 'B' | 'any';

interface Expect {
  name: string;
  types: string[];
  /** Expected dimensions: a number must match when the model fixes it; 'B' is the batch; 'any' is free. */
  dims: Dim[];
  shape: string;
}

function mismatch(file: string, what: string): AppError {
  return new AppError('invalid-pack', `${file}: ${what}`);
}

function find(file: string, list: OnnxValue[], name: string, kind: 'input' | 'output'): OnnxValue {
  const v = list.find((x) => x.name === name);
  if (!v) throw mismatch(file, `has no ${kind} "${name}" (its ${kind}s: ${list.map((x) => `"${x.name}"`).join(', ') || 'none'})`);
  return v;
}

/** Checks one value; returns its fixed batch size (or null). */
function check(file: string, kind: 'input' | 'output', v: OnnxValue, e: Expect): number | null {
  if (!e.types.includes(v.type)) {
    throw mismatch(file, `${kind} "${v.name}" is ${v.type}, expected ${e.types.join(' or ')}${v.type === 'float16' ? ' (float16 exports are not supported: export in float32)' : ''}`);
  }
  if (v.dims.length !== e.dims.length) throw mismatch(file, `${kind} "${v.name}" has rank ${v.dims.length} ${fmt(v.dims)}, expected ${e.dims.length} ${e.shape}`);
  let batch: number | null = null;
  e.dims.forEach((want, i) => {
    const got = v.dims[i];
    if (typeof got !== 'number') return; // symbolic: accepted
    if (want === 'B') {
      if (got !== 1 && got !== 2) throw mismatch(file, `${kind} "${v.name}" fixes the batch dimension ${i} at ${got}; the pipeline runs batches of 1 or 2`);
      batch = got;
    } else if (typeof want === 'number' && got !== want) {
      throw mismatch(file, `${kind} "${v.name}" dimension ${i} is ${got}, expected ${want} in ${e.shape} (shape ${fmt(v.dims)})`);
    }
  });
  return batch;
}

const fmt = (dims: OnnxValue['dims']) => `[${dims.map((d) => (d === null ? '?' : d)).join(', ')}]`;

function noExtraInputs(file: string, header: OnnxHeader, known: string[]): void {
  const extra = header.inputs.filter((i) => !known.includes(i.name));
  if (extra.length) throw mismatch(file, `has input${extra.length > 1 ? 's' : ''} ${extra.map((x) => `"${x.name}"`).join(', ')} the pipeline cannot feed (expected only ${known.map((k) => `"${k}"`).join(', ')})`);
}

function outputOf(file: string, header: OnnxHeader, names: string[]): OnnxValue {
  for (const n of names) {
    const v = header.outputs.find((o) => o.name === n);
    if (v) return v;
  }
  throw mismatch(file, `has no output ${names.map((n) => `"${n}"`).join(' or ')} (its outputs: ${header.outputs.map((x) => `"${x.name}"`).join(', ') || 'none'})`);
}

/** Validates the models of a pack (vaeEncoder may be absent) against the manifest. */
export function checkInterfaces(m: PackManifest, headers: Record<ModelKey, OnnxHeader | null>, prefix = ''): PackInterfaces {
  const f = (k: ModelKey) => `${prefix}${MODEL_FILES[k]}`;
  const T = m.text.max_length;
  const D = m.text.width;
  const C = m.latent.channels;
  const H = m.resolution.height;
  const W = m.resolution.width;
  const h = H / m.latent.scale_factor;
  const w = W / m.latent.scale_factor;
  const K = m.conditioning.channels;
  const ch = m.channels;

  // text encoder
  const te = headers.textEncoder!;
  noExtraInputs(f('textEncoder'), te, ['input_ids']);
  const ids = find(f('textEncoder'), te.inputs, 'input_ids', 'input');
  const textBatch = check(f('textEncoder'), 'input', ids, { name: 'input_ids', types: ['int32', 'int64'], dims: ['B', T], shape: `[B, T=${T}]` });
  const lhs = find(f('textEncoder'), te.outputs, 'last_hidden_state', 'output');
  check(f('textEncoder'), 'output', lhs, { name: 'last_hidden_state', types: ['float32'], dims: ['B', T, D], shape: `[B, T=${T}, D=${D}]` });

  // unet with ControlNet merged in
  const un = headers.unet!;
  const uf = f('unet');
  const names = ['sample', 'timestep', 'encoder_hidden_states', 'controlnet_conds', 'conditioning_scales'];
  noExtraInputs(uf, un, names);
  const batches: (number | null)[] = [];
  batches.push(check(uf, 'input', find(uf, un.inputs, 'sample', 'input'), { name: 'sample', types: ['float32'], dims: ['B', C, h, w], shape: `[B, C=${C}, h=${h}, w=${w}]` }));
  const ts = find(uf, un.inputs, 'timestep', 'input');
  if (ts.type !== 'float32' && ts.type !== 'int64') throw mismatch(uf, `input "timestep" is ${ts.type}, expected float32 or int64`);
  if (ts.dims.length > 1) throw mismatch(uf, `input "timestep" has rank ${ts.dims.length} ${fmt(ts.dims)}, expected [1] or [B]`);
  const tsDim = ts.dims[0];
  if (typeof tsDim === 'number' && tsDim !== 1 && tsDim !== 2) throw mismatch(uf, `input "timestep" has ${tsDim} elements, expected [1] or [B]`);
  batches.push(check(uf, 'input', find(uf, un.inputs, 'encoder_hidden_states', 'input'), { name: 'encoder_hidden_states', types: ['float32'], dims: ['B', T, D], shape: `[B, T=${T}, D=${D}]` }));
  const conds = find(uf, un.inputs, 'controlnet_conds', 'input');
  batches.push(check(uf, 'input', conds, { name: 'controlnet_conds', types: ['float32'], dims: [1, 'B', K, H, W], shape: `[N=1, B, K=${K}, H=${H}, W=${W}]` }));
  const sc = find(uf, un.inputs, 'conditioning_scales', 'input');
  if (sc.type !== 'float32') throw mismatch(uf, `input "conditioning_scales" is ${sc.type}, expected float32`);
  if (sc.dims.length !== 1 && sc.dims.length !== 2) throw mismatch(uf, `input "conditioning_scales" has rank ${sc.dims.length} ${fmt(sc.dims)}, expected [N] or [N, 1]`);
  for (const d of sc.dims) if (typeof d === 'number' && d !== 1) throw mismatch(uf, `input "conditioning_scales" has shape ${fmt(sc.dims)}, expected [1] or [1, 1] (one control input)`);
  const out = outputOf(uf, un, ['out_sample', 'noise_pred']);
  batches.push(check(uf, 'output', out, { name: out.name, types: ['float32'], dims: ['B', C, h, w], shape: `[B, C=${C}, h=${h}, w=${w}]` }));
  const fixed = batches.filter((b): b is number => b !== null);
  if (new Set(fixed).size > 1) throw mismatch(uf, `fixes different batch sizes on its inputs (${fixed.join(', ')})`);
  const unetBatch = fixed[0] ?? (typeof tsDim === 'number' && tsDim === 2 ? 2 : null);

  // VAE decoder
  const vd = headers.vaeDecoder!;
  noExtraInputs(f('vaeDecoder'), vd, ['latent_sample']);
  const vdBatch = check(f('vaeDecoder'), 'input', find(f('vaeDecoder'), vd.inputs, 'latent_sample', 'input'), { name: 'latent_sample', types: ['float32'], dims: ['B', C, h, w], shape: `[B, C=${C}, h=${h}, w=${w}]` });
  check(f('vaeDecoder'), 'output', find(f('vaeDecoder'), vd.outputs, 'sample', 'output'), { name: 'sample', types: ['float32'], dims: ['B', ch, H, W], shape: `[B, channels=${ch}, H=${H}, W=${W}]` });

  // VAE encoder (img2img only)
  let vaeEncoder: PackInterfaces['vaeEncoder'] = null;
  const ve = headers.vaeEncoder;
  if (ve) {
    noExtraInputs(f('vaeEncoder'), ve, ['sample']);
    const b = check(f('vaeEncoder'), 'input', find(f('vaeEncoder'), ve.inputs, 'sample', 'input'), { name: 'sample', types: ['float32'], dims: ['B', ch, H, W], shape: `[B, channels=${ch}, H=${H}, W=${W}]` });
    const o = find(f('vaeEncoder'), ve.outputs, 'latent_sample', 'output');
    check(f('vaeEncoder'), 'output', o, { name: 'latent_sample', types: ['float32'], dims: ['B', C, h, w], shape: `[B, C=${C}, h=${h}, w=${w}]` });
    vaeEncoder = { output: 'latent_sample', batch: b };
  }

  return {
    text: { idsType: ids.type as 'int32' | 'int64', output: 'last_hidden_state', batch: textBatch },
    unet: {
      timestepType: ts.type as 'float32' | 'int64',
      timestepShape: ts.dims.length === 0 ? 'scalar' : tsDim === 1 ? 'one' : 'batch',
      scalesRank: sc.dims.length as 1 | 2,
      output: out.name,
      batch: unetBatch,
    },
    vaeDecoder: { output: 'sample', batch: vdBatch },
    vaeEncoder,
  };
}
