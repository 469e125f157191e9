/**
 * Test-only DICOM loading: parses a file into a dicom-parser DataSet the way the library's own parser is expected to
 * (inflater for deflated data sets, a transfer syntax for files without a File Meta header, and a synthetic
 * preamble for files that start directly with the meta group). The real file parsing lives in the 'parse' part.
 */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';

function inflater(arr: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(arr.subarray(position));
  const out = new Uint8Array(position + inflated.length);
  out.set(arr.subarray(0, position));
  out.set(inflated, position);
  return out;
}

function hasPreamble(b: Uint8Array): boolean {
  return b.length > 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;
}

/** Explicit VR if bytes 4-5 of the first element look like a VR (two upper-case letters). */
function looksExplicit(b: Uint8Array): boolean {
  const up = (c: number) => c >= 0x41 && c <= 0x5a;
  return up(b[4]) && up(b[5]);
}

export function loadDataSet(path: string): DataSet {
  let bytes = new Uint8Array(readFileSync(path));
  if (!hasPreamble(bytes)) {
    if (bytes[0] === 0x02 && bytes[1] === 0x00) {
      // Meta group without preamble and "DICM" (e.g. pydicom-data JLSL_RGB_ILV0.dcm).
      const fixed = new Uint8Array(bytes.length + 132);
      fixed.set([0x44, 0x49, 0x43, 0x4d], 128);
      fixed.set(bytes, 132);
      bytes = fixed;
    } else {
      // No meta header: group 0008 written big endian starts 00 08; otherwise little endian, explicit if a VR follows.
      const ts = bytes[0] === 0x00 && bytes[1] === 0x08 ? '1.2.840.10008.1.2.2' : looksExplicit(bytes) ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2';
      return dicomParser.parseDicom(bytes, { TransferSyntaxUID: ts });
    }
  }
  return dicomParser.parseDicom(bytes, { inflater });
}
