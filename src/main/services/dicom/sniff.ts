/**
 * Content sniffing: is this DICOM, and in which transfer syntax? A Part 10 file has "DICM" at byte 128 and a
 * meta header naming its syntax. A raw data set (no preamble/meta, as PACS or old tools write) must be guessed
 * from its first elements: explicit vs implicit VR from whether bytes 4-5 spell a VR, little vs big endian from
 * which byte order gives a small, even first group; then a few elements must follow with ascending tags and
 * lengths that fit. Files failing both are "obviously not DICOM" (folder scans skip them).
 */

export const TS_IMPLICIT_LE = '1.2.840.10008.1.2';
export const TS_EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const TS_DEFLATED = '1.2.840.10008.1.2.1.99';
export const TS_EXPLICIT_BE = '1.2.840.10008.1.2.2';

/**
 * `bodyOnly`: parse the data set after the meta header on its own, with `transferSyntaxUid`, starting at
 * `bodyOffset`: used when the meta header lacks (0002,0010), and for files that start directly with the meta
 * group without the 128-byte preamble and "DICM" (some tools write these; pydicom's JLSL_RGB_ILV0.dcm).
 */
export type SniffResult =
  | { part10: true; transferSyntaxUid: string; bodyOnly: boolean; bodyOffset: number }
  | { part10: false; transferSyntaxUid: string };

const VRS = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV',
  'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV']);
/** VRs whose explicit encoding has 2 reserved bytes and a 4-byte length (PS3.5 7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

export function hasDicmMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

export function sniffDicom(bytes: Uint8Array): SniffResult | null {
  if (hasDicmMagic(bytes)) {
    const meta = readMetaTransferSyntax(bytes, 132);
    if (meta.transferSyntaxUid) {
      return { part10: true, transferSyntaxUid: meta.transferSyntaxUid, bodyOnly: false, bodyOffset: meta.end };
    }
    const body = sniffRaw(bytes.subarray(meta.end));
    return { part10: true, transferSyntaxUid: body ?? TS_EXPLICIT_LE, bodyOnly: true, bodyOffset: meta.end };
  }
  if (startsWithMetaGroup(bytes)) {
    const meta = readMetaTransferSyntax(bytes, 0);
    if (meta.transferSyntaxUid && meta.end > 0) {
      return { part10: true, transferSyntaxUid: meta.transferSyntaxUid, bodyOnly: true, bodyOffset: meta.end };
    }
  }
  const raw = sniffRaw(bytes);
  return raw ? { part10: false, transferSyntaxUid: raw } : null;
}

/** A meta group without preamble: (0002,xxxx) explicit VR little endian at byte 0. */
function startsWithMetaGroup(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x02 && bytes[1] === 0x00 && VRS.has(String.fromCharCode(bytes[4], bytes[5]));
}

/** Walks the group-0002 elements from `start` (always explicit VR little endian). */
function readMetaTransferSyntax(bytes: Uint8Array, start: number): { transferSyntaxUid?: string; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  let ts: string | undefined;
  while (pos + 8 <= bytes.length) {
    const group = view.getUint16(pos, true);
    if (group !== 0x0002) break;
    const elem = view.getUint16(pos + 2, true);
    const vr = String.fromCharCode(bytes[pos + 4], bytes[pos + 5]);
    let len: number;
    let dataPos: number;
    if (LONG_VRS.has(vr)) {
      if (pos + 12 > bytes.length) break;
      len = view.getUint32(pos + 8, true);
      dataPos = pos + 12;
    } else {
      len = view.getUint16(pos + 6, true);
      dataPos = pos + 8;
    }
    if (len === 0xffffffff || dataPos + len > bytes.length) break;
    if (elem === 0x0010 && len > 0) {
      ts = String.fromCharCode(...bytes.subarray(dataPos, dataPos + len)).replace(/[\0 ]+$/, '').trim();
    }
    pos = dataPos + len;
  }
  return { transferSyntaxUid: ts || undefined, end: pos };
}

/** Guesses the transfer syntax of a data set without meta header, or null when it does not look like one. */
export function sniffRaw(bytes: Uint8Array): string | null {
  if (bytes.length < 8) return null;
  const candidates: Array<{ ts: string; little: boolean; explicit: boolean }> = [
    { ts: TS_EXPLICIT_LE, little: true, explicit: true },
    { ts: TS_IMPLICIT_LE, little: true, explicit: false },
    { ts: TS_EXPLICIT_BE, little: false, explicit: true },
  ];
  for (const c of candidates) {
    if (plausible(bytes, c.little, c.explicit)) return c.ts;
  }
  return null;
}

function plausible(bytes: Uint8Array, little: boolean, explicit: boolean): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let prevTag = -1;
  let seen = 0;
  while (seen < 4 && pos + 8 <= bytes.length) {
    const group = view.getUint16(pos, little);
    const elem = view.getUint16(pos + 2, little);
    const tag = group * 0x10000 + elem;
    // A raw data set starts with a low group (command 0000, identifying 0008, patient 0010).
    if (seen === 0 && (group > 0x0010 || group % 2 !== 0)) return false;
    if (tag <= prevTag) return false;
    let len: number;
    let dataPos: number;
    if (explicit) {
      const vr = String.fromCharCode(bytes[pos + 4], bytes[pos + 5]);
      if (!VRS.has(vr)) return false;
      if (LONG_VRS.has(vr)) {
        if (pos + 12 > bytes.length) return seen > 0;
        len = view.getUint32(pos + 8, little);
        dataPos = pos + 12;
      } else {
        len = view.getUint16(pos + 6, little);
        dataPos = pos + 8;
      }
    } else {
      // Implicit: bytes 4-5 spelling a VR would mean explicit; refuse so explicit files are not misread.
      if (seen === 0 && VRS.has(String.fromCharCode(bytes[4], bytes[5]))) return false;
      len = view.getUint32(pos + 4, little);
      dataPos = pos + 8;
    }
    if (len === 0xffffffff) return seen > 0 || group <= 0x0010; // undefined length: sequence; stop walking here
    if (dataPos + len > bytes.length) return false;
    prevTag = tag;
    pos = dataPos + len;
    seen++;
  }
  return seen > 0;
}
