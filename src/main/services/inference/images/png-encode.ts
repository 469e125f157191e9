/**
 * 8-bit grey or RGB PNG encoding with text chunks: tEXt where the value is Latin-1 (what most tools show),
 * iTXt (UTF-8) where it is not, so a prompt in any language survives. Rows use the Up filter, which suits
 * smooth medical images, and maximum deflate.
 */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

const isLatin1 = (s: string) => /^[\x20-\x7e\xa0-\xff\n]*$/.test(s);

function textChunk(keyword: string, value: string): Buffer {
  const key = Buffer.from(keyword.slice(0, 79), 'latin1');
  if (isLatin1(value)) return chunk('tEXt', Buffer.concat([key, Buffer.from([0]), Buffer.from(value, 'latin1')]));
  // iTXt: keyword, 0, compression flag 0, method 0, empty language tag, 0, empty translated keyword, 0, UTF-8 text
  return chunk('iTXt', Buffer.concat([key, Buffer.from([0, 0, 0, 0, 0]), Buffer.from(value, 'utf8')]));
}

export interface PngInput {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Interleaved 8-bit samples, row by row. */
  pixels: Uint8Array;
  /** Text chunks, in order. */
  text?: [string, string][];
}

export function encodePng(img: PngInput): Buffer {
  const { width, height, channels, pixels } = img;
  const stride = width * channels;
  if (pixels.length !== stride * height) throw new RangeError(`encodePng: ${pixels.length} samples for ${width}x${height}x${channels}`);
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    raw[o] = 2; // Up
    for (let i = 0; i < stride; i++) raw[o + 1 + i] = (pixels[y * stride + i] - (y > 0 ? pixels[(y - 1) * stride + i] : 0)) & 255;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 3 ? 2 : 0;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    ...(img.text ?? []).map(([k, v]) => textChunk(k, v)),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
