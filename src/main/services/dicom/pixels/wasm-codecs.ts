/**
 * The emscripten (WebAssembly) codecs from @cornerstonejs: CharLS (JPEG-LS), OpenJPEG (JPEG 2000) and
 * libjpeg-turbo (8-bit JPEG baseline). Each module is instantiated once, lazily, and reused; each decode makes a
 * decoder object, copies the result out of wasm memory and frees the decoder. Decoding runs in the main process
 * (plain Node), so the renderer's CSP never needs 'unsafe-eval' for them.
 */
import { createRequire } from 'node:module';
import { AppError } from '../../../../shared/errors.ts';

const require = createRequire(import.meta.url);

export interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  readHeader?(): void;
  getFrameInfo(): CodecFrameInfo;
  getInterleaveMode?(): number;
  delete(): void;
}

type DecoderClass = new () => WasmDecoder;
type ModuleFactory = (overrides: { print: (s: string) => void; printErr: (s: string) => void }) => Promise<Record<string, unknown>>;

interface CodecSpec {
  name: string;
  module: string;
  className: string;
}

const SPECS = {
  charls: { name: 'JPEG-LS (CharLS)', module: '@cornerstonejs/codec-charls/decodewasmjs', className: 'JpegLSDecoder' },
  openjpeg: { name: 'JPEG 2000 (OpenJPEG)', module: '@cornerstonejs/codec-openjpeg/decodewasmjs', className: 'J2KDecoder' },
  libjpegTurbo: { name: 'JPEG baseline (libjpeg-turbo)', module: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', className: 'JPEGDecoder' },
} satisfies Record<string, CodecSpec>;

export type CodecName = keyof typeof SPECS;

const loaded = new Map<CodecName, Promise<DecoderClass>>();

/**
 * What the codecs printed during the current decode. OpenJPEG logs [INFO]/[ERROR] lines through emscripten's
 * print hooks; we keep them out of stdout and put the errors into the AppError message instead. Decodes run one at
 * a time (JavaScript is single-threaded and decode() is synchronous), so one shared buffer is enough.
 */
let codecLog: string[] = [];

function loadCodec(name: CodecName): Promise<DecoderClass> {
  let p = loaded.get(name);
  if (!p) {
    const spec = SPECS[name];
    p = (async () => {
      const factory = require(spec.module) as ModuleFactory;
      const log = (line: string) => {
        if (codecLog.length < 50) codecLog.push(line);
      };
      const mod = await factory({ print: log, printErr: log });
      const cls = mod[spec.className] as DecoderClass | undefined;
      if (!cls) throw new AppError('internal', `${spec.name} codec module has no ${spec.className}`);
      return cls;
    })();
    // A failed initialisation must not poison later attempts (e.g. a transient wasm compile failure).
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p;
}

export interface CodecOutput {
  /** Decoded bytes, copied out of wasm memory: samples of bitsPerSample<=8 ? 1 : 2 bytes, little endian. */
  bytes: Uint8Array;
  info: CodecFrameInfo;
  /** Human-readable codec name plus anything it reported, for error messages. */
  codec: string;
  /** CharLS only: 0 = planes one after another (ILV_NONE), 1 = line interleaved, 2 = sample interleaved. */
  interleaveMode?: number;
}

/** Decodes one compressed frame with the named codec. */
export async function decodeWithCodec(name: CodecName, encoded: Uint8Array): Promise<CodecOutput> {
  const Decoder = await loadCodec(name);
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    codecLog = [];
    try {
      decoder.decode();
    } catch (err) {
      throw new AppError('decode-failed', `${SPECS[name].name} rejected the frame: ${describeWasmError(err)}${errorsLogged()}`);
    }
    const info = decoder.getFrameInfo();
    const interleaveMode = decoder.getInterleaveMode ? decoder.getInterleaveMode() : undefined;
    const bytes = decoder.getDecodedBuffer().slice();
    return { bytes, info: { ...info }, interleaveMode, codec: `${SPECS[name].name}${errorsLogged()}` };
  } finally {
    decoder.delete();
  }
}

/** Emscripten throws numbers (pointers) or strings for C++ exceptions; keep the message readable. */
function describeWasmError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return `codec error ${String(err)}`;
}

function errorsLogged(): string {
  const errors = codecLog.filter((l) => /error/i.test(l)).map((l) => l.replace(/^\[ERROR\]\s*/, '').trim());
  return errors.length ? ` (${errors.join('; ')})` : '';
}
