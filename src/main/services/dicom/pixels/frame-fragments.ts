/**
 * Finds the bytes of one frame inside encapsulated Pixel Data (PS3.5 A.4). Frames may span several fragments;
 * the Basic Offset Table (BOT) says where each starts, but it is optional and sometimes wrong, so we check it and
 * fall back to one fragment per frame, then to grouping fragments by the codestream start marker.
 */
import type { Fragment } from 'dicom-parser';
import { AppError } from '../../../../shared/errors.ts';

/** The bytes a compressed frame starts with, by codec family; used to group fragments without a usable BOT. */
export type StartMarker = 'jpeg' | 'j2k' | 'none';

function startsWith(bytes: Uint8Array, at: number, length: number, marker: StartMarker): boolean {
  if (length < 2) return false;
  if (marker === 'jpeg') return bytes[at] === 0xff && bytes[at + 1] === 0xd8; // SOI (JPEG, JPEG lossless, JPEG-LS)
  if (marker === 'j2k') return bytes[at] === 0xff && bytes[at + 1] === 0x4f; // SOC of a J2K codestream
  return false;
}

/**
 * Returns, for each frame, the [first, last] fragment indexes (inclusive) that hold it. Pure function of the
 * fragment list, so malformed inputs can be tested without a DICOM file.
 */
export function groupFragments(bytes: Uint8Array, fragments: Fragment[], basicOffsetTable: number[], frames: number, marker: StartMarker): Array<[number, number]> {
  if (fragments.length === 0) throw new AppError('malformed', 'encapsulated Pixel Data has no fragments');
  for (let i = 0; i < fragments.length; i++) {
    const f = fragments[i];
    if (f.position < 0 || f.length < 0 || f.position + f.length > bytes.length) {
      throw new AppError('malformed', `Pixel Data fragment ${i + 1} (${f.length} bytes at ${f.position}) runs past the end of the ${bytes.length}-byte file`);
    }
  }
  if (frames === 1) return [[0, fragments.length - 1]];

  const fromBot = groupByOffsetTable(fragments, basicOffsetTable, frames);
  if (fromBot) return fromBot;
  if (fragments.length === frames) return fragments.map((_, i) => [i, i]);

  const starts: number[] = [];
  for (let i = 0; i < fragments.length; i++) {
    if (startsWith(bytes, fragments[i].position, fragments[i].length, marker)) starts.push(i);
  }
  if (marker !== 'none' && starts.length === frames && starts[0] === 0) {
    return starts.map((s, i) => [s, i + 1 < starts.length ? starts[i + 1] - 1 : fragments.length - 1]);
  }
  const how = marker === 'none' ? 'this codec has no start marker to group them by' : `${starts.length} of them start a codestream`;
  throw new AppError('malformed', `cannot split ${fragments.length} Pixel Data fragments into ${frames} frames: the Basic Offset Table is ${basicOffsetTable.length ? 'inconsistent' : 'empty'} and ${how}`);
}

/** Uses the BOT only when it is self-consistent: one entry per frame, starting at 0, increasing, each on a fragment. */
function groupByOffsetTable(fragments: Fragment[], bot: number[], frames: number): Array<[number, number]> | null {
  if (bot.length !== frames || bot[0] !== 0) return null;
  const indexByOffset = new Map<number, number>();
  fragments.forEach((f, i) => indexByOffset.set(f.offset, i));
  const firsts: number[] = [];
  for (let i = 0; i < bot.length; i++) {
    const idx = indexByOffset.get(bot[i]);
    if (idx === undefined || (i > 0 && idx <= firsts[i - 1])) return null;
    firsts.push(idx);
  }
  return firsts.map((first, i) => [first, i + 1 < firsts.length ? firsts[i + 1] - 1 : fragments.length - 1]);
}

/** Concatenates fragments [first, last] into one buffer (a view when it is a single fragment). */
export function joinFragments(bytes: Uint8Array, fragments: Fragment[], first: number, last: number): Uint8Array {
  if (first === last) {
    const f = fragments[first];
    return bytes.subarray(f.position, f.position + f.length);
  }
  let total = 0;
  for (let i = first; i <= last; i++) total += fragments[i].length;
  const out = new Uint8Array(total);
  let at = 0;
  for (let i = first; i <= last; i++) {
    const f = fragments[i];
    out.set(bytes.subarray(f.position, f.position + f.length), at);
    at += f.length;
  }
  return out;
}
