// jpeg-lossless-decoder-js 2.1.2 names release/lossless.d.ts in package.json "types" but does not ship it.
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    /** numBytes: 1 or 2 bytes per output sample. Returns interleaved samples. */
    decode(buffer: ArrayBufferLike, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
  }
}
