/** RLE decoding and fragment grouping on hand-made and malformed input: clear errors, no hangs, no crashes. */
import { describe, expect, it } from 'vitest';
import type { Fragment } from 'dicom-parser';
import { decodeRleFrame } from '../../../src/main/services/dicom/pixels/rle-decoder.ts';
import { groupFragments, joinFragments } from '../../../src/main/services/dicom/pixels/frame-fragments.ts';
import { expandSegmentedLut } from '../../../src/main/services/dicom/pixels/palette.ts';
import { AppError } from '../../../src/shared/errors.ts';

function rleFrame(segments: number[][]): Uint8Array {
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((s, i) => {
    view.setUint32(4 + 4 * i, offset, true);
    offset += s.length;
  });
  const out = new Uint8Array(offset);
  out.set(header);
  let at = 64;
  for (const s of segments) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

function expectAppError(fn: () => unknown, kind: string, message: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).kind).toBe(kind);
  expect((err as AppError).message).toMatch(message);
}

describe('decodeRleFrame', () => {
  it('decodes literal and replicate runs, most significant byte segment first, to little endian', () => {
    // 2x2, 16-bit: high bytes [1,1,1,1] via a replicate run, low bytes [10,20,30,40] via a literal run.
    const frame = rleFrame([[0xfd, 1], [3, 10, 20, 30, 40]]);
    const out = decodeRleFrame(frame, { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 16 });
    expect(Array.from(new Uint16Array(out.buffer))).toEqual([0x10a, 0x114, 0x11e, 0x128]);
  });

  it('interleaves colour segments and ignores the no-op header byte 128 and a trailing pad byte', () => {
    const frame = rleFrame([[0x80, 1, 1, 2, 0], [0xff, 5, 0], [1, 7, 8]]);
    const out = decodeRleFrame(frame, { rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8 });
    expect(Array.from(out)).toEqual([1, 5, 7, 2, 5, 8]);
  });

  it('rejects a truncated segment with a message naming it', () => {
    const frame = rleFrame([[3, 1, 2]]); // literal run of 4 but only 2 bytes left
    expectAppError(() => decodeRleFrame(frame, { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 8 }), 'decode-failed', /segment 1 of 1 decodes to 2 bytes, expected 4/);
  });

  it('rejects lying headers: wrong segment count, offsets past the end or out of order, short frames', () => {
    const layout = { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 8 };
    expectAppError(() => decodeRleFrame(rleFrame([[0xfd, 1], [0xfd, 1]]), layout), 'decode-failed', /lists 2 segments.*need 1/);
    const lying = rleFrame([[0xfd, 1]]);
    new DataView(lying.buffer).setUint32(4, 5000, true);
    expectAppError(() => decodeRleFrame(lying, layout), 'decode-failed', /offset 5000 is outside/);
    const backwards = rleFrame([[0xfd, 1], [0xfd, 2]]);
    new DataView(backwards.buffer).setUint32(8, 64, true);
    expectAppError(() => decodeRleFrame(backwards, { ...layout, bitsAllocated: 16 }), 'decode-failed', /out of order/);
    expectAppError(() => decodeRleFrame(new Uint8Array(10), layout), 'decode-failed', /shorter than its 64-byte header/);
  });

  it('survives random garbage without hanging or crashing', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let t = 0; t < 300; t++) {
      const frame = new Uint8Array(64 + (t % 200));
      for (let i = 0; i < frame.length; i++) frame[i] = rand();
      frame[0] = 1;
      frame.fill(0, 1, 8);
      frame[4] = 64;
      try {
        decodeRleFrame(frame, { rows: 8, columns: 8, samplesPerPixel: 1, bitsAllocated: 8 });
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
      }
    }
  });
});

describe('groupFragments', () => {
  // Three JPEG frames: frame 0 in fragments 0-1, frame 1 in 2, frame 2 in 3-4.
  const bytes = new Uint8Array(100);
  const starts = [0, 20, 40, 60, 80];
  const fragments: Fragment[] = starts.map((p, i) => ({ offset: p + 8 * i, position: p, length: 20 }));
  for (const i of [0, 2, 3]) bytes.set([0xff, 0xd8], starts[i]);

  it('uses a consistent Basic Offset Table', () => {
    const bot = [0, fragments[2].offset, fragments[3].offset];
    expect(groupFragments(bytes, fragments, bot, 3, 'jpeg')).toEqual([[0, 1], [2, 2], [3, 4]]);
  });

  it('groups by JPEG SOI markers when the BOT is empty', () => {
    expect(groupFragments(bytes, fragments, [], 3, 'jpeg')).toEqual([[0, 1], [2, 2], [3, 4]]);
  });

  it('ignores a lying BOT (offsets that are not fragment starts, or out of order) and falls back to markers', () => {
    expect(groupFragments(bytes, fragments, [0, 13, 99999], 3, 'jpeg')).toEqual([[0, 1], [2, 2], [3, 4]]);
    expect(groupFragments(bytes, fragments, [0, fragments[3].offset, fragments[2].offset], 3, 'jpeg')).toEqual([[0, 1], [2, 2], [3, 4]]);
  });

  it('takes one fragment per frame when counts match, and all fragments for a single frame', () => {
    expect(groupFragments(bytes, fragments, [], 5, 'none')).toEqual([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]);
    expect(groupFragments(bytes, fragments, [], 1, 'none')).toEqual([[0, 4]]);
  });

  it('reports frames that cannot be found', () => {
    expectAppError(() => groupFragments(bytes, fragments, [], 4, 'jpeg'), 'malformed', /cannot split 5 Pixel Data fragments into 4 frames.*3 of them start a codestream/);
    expectAppError(() => groupFragments(bytes, fragments, [], 3, 'none'), 'malformed', /no start marker/);
    expectAppError(() => groupFragments(bytes, [], [], 1, 'jpeg'), 'malformed', /no fragments/);
    expectAppError(() => groupFragments(bytes, [{ offset: 0, position: 90, length: 50 }], [], 1, 'jpeg'), 'malformed', /runs past the end/);
  });

  it('joins a frame spread over fragments', () => {
    const b = Uint8Array.from({ length: 10 }, (_, i) => i);
    const f: Fragment[] = [{ offset: 0, position: 1, length: 3 }, { offset: 11, position: 6, length: 2 }];
    expect(Array.from(joinFragments(b, f, 0, 1))).toEqual([1, 2, 3, 6, 7]);
  });
});

describe('expandSegmentedLut', () => {
  it('expands discrete, linear and indirect segments like pydicom', () => {
    // discrete [0, 10], linear to 40 over 3, indirect: re-run 1 segment at word 0 (the discrete one)
    const data = [0, 2, 0, 10, 1, 3, 40, 2, 1, 0, 0];
    expect(expandSegmentedLut(data, 100)).toEqual([0, 10, 20, 30, 40, 0, 10]);
  });

  it('rejects malformed tables instead of looping or growing without bound', () => {
    expectAppError(() => expandSegmentedLut([1, 3, 40], 100), 'malformed', /starts with a linear segment/);
    expectAppError(() => expandSegmentedLut([0, 1, 5, 7, 1], 100), 'malformed', /unknown segment type 7/);
    expectAppError(() => expandSegmentedLut([0, 50, 1], 100), 'malformed', /runs past the data/);
    // an indirect segment pointing at itself cannot recurse: the re-run starts with an empty table
    expectAppError(() => expandSegmentedLut([0, 1, 5, 2, 1, 3, 0], 100000), 'malformed', /starts with an indirect segment/);
    expectAppError(() => expandSegmentedLut([0, 1, 5, 2, 1, 900, 0], 100), 'malformed', /indirect offset 900 is past the data/);
    expectAppError(() => expandSegmentedLut([0, 4, 1, 2, 3, 4], 2), 'malformed', /expands past its 2 entries/);
  });
});
