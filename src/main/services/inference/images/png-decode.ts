/**
 * PNG decoding that keeps stored values: palette indices stay indices (a palette label map's values are its
 * labels), 16-bit samples stay 16-bit. pngjs expands everything to 8-bit RGBA, which loses exactly what label
 * maps need. Interlaced (Adam7) files are read too. Also returns the text chunks (tEXt, iTXt, zTXt).
 */
import { inflateSync } from 'node:zlib';
import { AppError } from '../../../../shared/errors.ts';

export interface DecodedPng {
  width: number;
  height: number;
  /** Samples per pixel as stored: 1 grey or palette index, 2 grey+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  colorType: 0 | 2 | 3 | 4 | 6;
  /** Row-major samples, interleaved; Uint16Array for 16-bit files. */
  samples: Uint8Array | Uint16Array;
  /** RGB triplets of a palette image. */
  palette: Uint8Array | null;
  text: Record<string, string>;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the row filters of one (sub)image; returns the raw bytes of its rows. */
function unfilter(data: Uint8Array, offset: number, height: number, bpp: number, rowBytes: number, file: string): { rows: Uint8Array; next: number } {
  const out = new Uint8Array(rowBytes * height);
  let pos = offset;
  for (let y = 0; y < height; y++) {
    if (pos + 1 + rowBytes > data.length) throw new AppError('malformed', `${file}: image data ends early (row ${y} of ${height})`);
    const filter = data[pos++];
    const row = out.subarray(y * rowBytes, (y + 1) * rowBytes);
    const prev = y > 0 ? out.subarray((y - 1) * rowBytes, y * rowBytes) : null;
    for (let i = 0; i < rowBytes; i++) {
      const x = data[pos + i];
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = prev ? prev[i] : 0;
      const c = prev && i >= bpp ? prev[i - bpp] : 0;
      switch (filter) {
        case 0: row[i] = x; break;
        case 1: row[i] = (x + a) & 255; break;
        case 2: row[i] = (x + b) & 255; break;
        case 3: row[i] = (x + ((a + b) >> 1)) & 255; break;
        case 4: row[i] = (x + paeth(a, b, c)) & 255; break;
        default: throw new AppError('malformed', `${file}: unknown PNG row filter ${filter} in row ${y}`);
      }
    }
    pos += rowBytes;
  }
  return { rows: out, next: pos };
}

/** Reads sample (x) of a raw row at any bit depth. */
function sampleAt(row: Uint8Array, i: number, depth: number): number {
  if (depth === 8) return row[i];
  if (depth === 16) return (row[2 * i] << 8) | row[2 * i + 1];
  const perByte = 8 / depth;
  const byte = row[Math.floor(i / perByte)];
  const shift = 8 - depth * ((i % perByte) + 1);
  return (byte >> shift) & ((1 << depth) - 1);
}

export function decodePng(bytes: Uint8Array, file = 'PNG'): DecodedPng {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new AppError('unsupported', `${file}: not a PNG file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let ihdr: { width: number; height: number; depth: number; colorType: number; interlace: number } | null = null;
  const idat: Uint8Array[] = [];
  let palette: Uint8Array | null = null;
  const text: Record<string, string> = {};
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  while (pos + 8 <= bytes.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const body = bytes.subarray(pos + 8, pos + 8 + len);
    if (body.length < len) throw new AppError('malformed', `${file}: chunk ${type} is truncated`);
    pos += 12 + len;
    if (type === 'IHDR') {
      const d = new DataView(body.buffer, body.byteOffset, body.byteLength);
      ihdr = { width: d.getUint32(0), height: d.getUint32(4), depth: body[8], colorType: body[9], interlace: body[12] };
    } else if (type === 'PLTE') palette = body.slice();
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'tEXt') {
      const z = body.indexOf(0);
      if (z > 0) text[latin1.decode(body.subarray(0, z))] = latin1.decode(body.subarray(z + 1));
    } else if (type === 'zTXt') {
      const z = body.indexOf(0);
      if (z > 0) {
        try {
          text[latin1.decode(body.subarray(0, z))] = latin1.decode(inflateSync(body.subarray(z + 2)));
        } catch {
          /* a damaged text chunk does not make the image unreadable */
        }
      }
    } else if (type === 'iTXt') {
      const z = body.indexOf(0);
      if (z > 0) {
        const compressed = body[z + 1] === 1;
        const langEnd = body.indexOf(0, z + 3);
        const transEnd = langEnd >= 0 ? body.indexOf(0, langEnd + 1) : -1;
        if (transEnd >= 0) {
          const raw = body.subarray(transEnd + 1);
          try {
            text[latin1.decode(body.subarray(0, z))] = utf8.decode(compressed ? inflateSync(raw) : raw);
          } catch {
            /* as above */
          }
        }
      }
    } else if (type === 'IEND') break;
  }
  if (!ihdr) throw new AppError('malformed', `${file}: no IHDR chunk`);
  const { width, height, depth, colorType, interlace } = ihdr;
  const channels = CHANNELS[colorType];
  if (!channels || ![1, 2, 4, 8, 16].includes(depth)) throw new AppError('malformed', `${file}: invalid colour type ${colorType} / bit depth ${depth}`);
  if (width === 0 || height === 0 || width * height > 64e6) throw new AppError('unsupported', `${file}: ${width}x${height} is not a usable image size`);
  if (colorType === 3 && !palette) throw new AppError('malformed', `${file}: palette image without a PLTE chunk`);
  let data: Uint8Array;
  try {
    data = inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new AppError('malformed', `${file}: image data does not decompress (${(e as Error).message}); the file is truncated or damaged`);
  }
  const bitsPerPixel = depth * channels;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const samples = depth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  const passes = interlace ? ADAM7 : [[0, 0, 1, 1]];
  let offset = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const rowBytes = Math.ceil((pw * bitsPerPixel) / 8);
    const { rows, next } = unfilter(data, offset, ph, bpp, rowBytes, file);
    offset = next;
    for (let y = 0; y < ph; y++) {
      const row = rows.subarray(y * rowBytes, (y + 1) * rowBytes);
      const ty = y0 + y * dy;
      for (let x = 0; x < pw; x++) {
        const tx = x0 + x * dx;
        for (let c = 0; c < channels; c++) samples[(ty * width + tx) * channels + c] = sampleAt(row, x * channels + c, depth);
      }
    }
  }
  return { width, height, channels, bitDepth: depth as DecodedPng['bitDepth'], colorType: colorType as DecodedPng['colorType'], samples, palette, text };
}
