/**
 * Raw samples of one frame, by transfer syntax: native (little/big endian, deflated already inflated by the
 * parser), RLE, or one of the JPEG-family codecs.
 */
import type { DataSet, Element } from 'dicom-parser';
import { AppError } from '../../../../shared/errors.ts';
import { NATIVE_SYNTAXES, TS, type PixelModule } from './pixel-module.ts';
import { groupFragments, joinFragments, type StartMarker } from './frame-fragments.ts';
import { decodeRleFrame } from './rle-decoder.ts';
import { decodeWithCodec, type CodecOutput } from './wasm-codecs.ts';
import { readUnsigned, unpackBits, swapWords, type Samples, type SampleArray } from './samples.ts';
import { expandYbr422 } from './colour.ts';
import { jpegStreamInfo, withoutColourTransform } from './jpeg-markers.ts';
import { decodeJpegDct } from './jpeg-dct-decoder.ts';
import { decodeJpegLossless } from './jpeg-lossless-decoder.ts';

export async function frameSamples(ds: DataSet, pm: PixelModule, frameIndex: number): Promise<Samples> {
  const ts = pm.transferSyntaxUid;
  if (NATIVE_SYNTAXES.has(ts)) return nativeSamples(ds, pm, frameIndex);
  const el = ds.elements.x7fe00010;
  if (!el?.encapsulatedPixelData || !el.fragments) {
    throw new AppError('malformed', `transfer syntax ${ts} is compressed but Pixel Data is not encapsulated`);
  }
  const marker: StartMarker = ts === TS.j2k || ts === TS.j2kLossless ? 'j2k' : ts === TS.rle ? 'none' : 'jpeg';
  const groups = groupFragments(ds.byteArray, el.fragments, el.basicOffsetTable ?? [], pm.frames, marker);
  const [first, last] = groups[frameIndex];
  const encoded = joinFragments(ds.byteArray, el.fragments, first, last);

  switch (ts) {
    case TS.rle: {
      const bytes = decodeRleFrame(encoded, pm);
      return fromLittleEndianBytes(bytes, pm);
    }
    case TS.jpegBaseline:
    case TS.jpegExtended: {
      const info = jpegStreamInfo(encoded);
      if (info.precision <= 8) {
        const stream = info.components === 3 ? withoutColourTransform(encoded) : encoded;
        return codecSamples(await decodeWithCodec('libjpegTurbo', stream), pm);
      }
      // 12-bit (extended) DCT: libjpeg-turbo's 8-bit build cannot; our own sequential decoder can. Like the
      // libjpeg path above, it leaves colour samples as coded; YBR is converted downstream by PhotometricInterpretation.
      const decoded = decodeJpegDct(encoded);
      return checkDims({ data: decoded.data, samplesPerPixel: decoded.components, planar: false }, decoded.width, decoded.height, pm, 'JPEG extended (DCT)');
    }
    case TS.jpegLossless57:
    case TS.jpegLosslessSV1:
      return jpegLosslessSamples(encoded, pm);
    case TS.jpegLsLossless:
    case TS.jpegLsNearLossless:
      return codecSamples(await decodeWithCodec('charls', encoded), pm);
    case TS.j2k:
    case TS.j2kLossless:
      return codecSamples(await decodeWithCodec('openjpeg', encoded), pm);
    default:
      throw new AppError('unsupported', `transfer syntax ${ts} is not supported for pixel decoding`);
  }
}

function pixelElement(ds: DataSet): { el: Element; tag: string } {
  for (const tag of ['x7fe00010', 'x7fe00008', 'x7fe00009']) {
    const el = ds.elements[tag];
    if (el) return { el, tag };
  }
  throw new AppError('no-pixel-data', 'the data set has no Pixel Data (7FE0,0010)');
}

function nativeSamples(ds: DataSet, pm: PixelModule, frameIndex: number): Samples {
  const { el, tag } = pixelElement(ds);
  const bigEndian = pm.transferSyntaxUid === TS.explicitBig;
  const end = Math.min(ds.byteArray.length, el.dataOffset + Math.max(0, el.length));
  let data = ds.byteArray.subarray(el.dataOffset, end);
  const pixels = pm.rows * pm.columns;
  const spp = pm.samplesPerPixel;
  const planar = spp > 1 && pm.planarConfiguration === 1;

  if (tag !== 'x7fe00010') {
    // Float (OF) or double (OD) pixel data: frames of 4- or 8-byte IEEE values.
    const bytes = tag === 'x7fe00008' ? 4 : 8;
    const n = pixels * spp;
    const at = frameIndex * n * bytes;
    if (at + n * bytes > data.length) throw tooShort(data.length, frameIndex, at + n * bytes);
    const view = new DataView(data.buffer, data.byteOffset + at, n * bytes);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = bytes === 4 ? view.getFloat32(i * 4, !bigEndian) : view.getFloat64(i * 8, !bigEndian);
    return { data: out, samplesPerPixel: spp, planar };
  }

  // 8- and 1-bit data in an OW element of a big-endian data set are stored in byte-swapped 16-bit words.
  if (bigEndian && pm.bitsAllocated <= 8 && el.vr === 'OW') data = swapWords(data);

  if (pm.bitsAllocated === 1) {
    const n = pixels * spp;
    if (Math.ceil(((frameIndex + 1) * n) / 8) > data.length) throw tooShort(data.length, frameIndex, Math.ceil(((frameIndex + 1) * n) / 8));
    return { data: unpackBits(data, frameIndex * n, n), samplesPerPixel: spp, planar };
  }
  if (pm.photometric === 'YBR_FULL_422' && pm.bitsAllocated === 8 && spp === 3) {
    const frameBytes = pixels * 2;
    const at = frameIndex * frameBytes;
    if (at + frameBytes > data.length) throw tooShort(data.length, frameIndex, at + frameBytes);
    return { data: expandYbr422(data.subarray(at, at + frameBytes), pm.rows, pm.columns), samplesPerPixel: 3, planar: false };
  }
  const bytes = (pm.bitsAllocated / 8) as 1 | 2 | 4;
  if (![1, 2, 4].includes(bytes)) throw new AppError('unsupported', `native Pixel Data with BitsAllocated ${pm.bitsAllocated}`);
  const n = pixels * spp;
  const at = frameIndex * n * bytes;
  if (at + n * bytes > data.length) throw tooShort(data.length, frameIndex, at + n * bytes);
  return { data: readUnsigned(data, at, n, bytes, bigEndian), samplesPerPixel: spp, planar };
}

function tooShort(have: number, frameIndex: number, need: number): AppError {
  return new AppError('malformed', `Pixel Data is ${have} bytes but frame ${frameIndex} needs ${need} (file truncated?)`);
}

/** RLE output: little-endian, sample-interleaved bytes. */
function fromLittleEndianBytes(bytes: Uint8Array, pm: PixelModule): Samples {
  const n = pm.rows * pm.columns * pm.samplesPerPixel;
  return { data: readUnsigned(bytes, 0, n, (pm.bitsAllocated / 8) as 1 | 2 | 4, false), samplesPerPixel: pm.samplesPerPixel, planar: false };
}

function checkDims(s: Samples, width: number, height: number, pm: PixelModule, codec: string): Samples {
  if (width !== pm.columns || height !== pm.rows || s.samplesPerPixel !== pm.samplesPerPixel) {
    throw new AppError('decode-failed', `${codec}: codestream is ${width}x${height} with ${s.samplesPerPixel} component(s); the header says ${pm.columns}x${pm.rows} with ${pm.samplesPerPixel}`);
  }
  return s;
}

function codecSamples(out: CodecOutput, pm: PixelModule): Samples {
  const { info, bytes } = out;
  const wide = info.bitsPerSample > 8;
  let data: SampleArray;
  if (wide) {
    const n = bytes.length >> 1;
    // bytes is a fresh copy starting at offset 0, so a 2-byte view is aligned.
    data = info.isSigned ? new Int16Array(bytes.buffer, bytes.byteOffset, n) : new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  } else {
    data = bytes;
  }
  // CharLS with interleave mode 0 (ILV_NONE) returns one plane per component.
  const planar = info.componentCount > 1 && out.interleaveMode === 0;
  return checkDims({ data, samplesPerPixel: info.componentCount, planar }, info.width, info.height, pm, out.codec);
}

function jpegLosslessSamples(encoded: Uint8Array, pm: PixelModule): Samples {
  const img = decodeJpegLossless(encoded);
  return checkDims({ data: img.data, samplesPerPixel: img.components, planar: false }, img.width, img.height, pm, 'JPEG lossless');
}
