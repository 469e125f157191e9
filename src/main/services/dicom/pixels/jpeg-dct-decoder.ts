/**
 * Sequential Huffman DCT JPEG decoder (ITU T.81 processes 1, 2 and 4: SOF0/SOF1, 8- or 12-bit samples), for
 * DICOM JPEG Extended (1.2.840.10008.1.2.4.51) 12-bit images, which the 8-bit libjpeg-turbo wasm build cannot
 * decode and no maintained npm package covers. Progressive, lossless and arithmetic-coded frames are rejected.
 * Output: samples at full resolution, component-interleaved, as coded (no colour transform), Uint8Array for 8-bit
 * precision and Uint16Array for 12-bit. The IDCT is a separable float IDCT, so results differ from libjpeg's
 * integer IDCT by rounding only (lossy syntax: compared by PSNR in the tests).
 */
import { AppError } from '../../../../shared/errors.ts';

export interface DctDecoded {
  width: number;
  height: number;
  components: number;
  precision: number;
  data: Uint8Array | Uint16Array;
}

interface Huffman {
  /** (length << 16 | code) -> symbol, for codes of 1..16 bits. */
  lookup: Map<number, number>;
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  blocksPerLine: number;
  blocksPerColumn: number;
  /** Padded to whole MCUs so interleaved scans can write every block of every MCU. */
  blocksPerLineAlloc: number;
  coeffs: Int32Array;
  pred: number;
  dcTable: number;
  acTable: number;
}

const ZIGZAG = new Int32Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57,
  50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

const COS = (() => {
  const t = new Float64Array(64);
  for (let x = 0; x < 8; x++) for (let u = 0; u < 8; u++) t[x * 8 + u] = (u === 0 ? Math.SQRT1_2 : 1) * Math.cos(((2 * x + 1) * u * Math.PI) / 16) / 2;
  return t;
})();

function fail(msg: string): never {
  throw new AppError('decode-failed', `JPEG (DCT) ${msg}`);
}

function buildHuffman(counts: Uint8Array, symbols: Uint8Array): Huffman {
  const lookup = new Map<number, number>();
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < counts[len - 1]; i++) {
      if (k >= symbols.length) fail('Huffman table lists more codes than symbols');
      lookup.set((len << 16) | code, symbols[k++]);
      code++;
    }
    code <<= 1;
  }
  return { lookup };
}

class BitReader {
  private bitBuf = 0;
  private bitCount = 0;
  pos: number;
  private readonly data: Uint8Array;
  /** Set when a marker (other than stuffed FF00) is reached: further bits read as zeros, as libjpeg does. */
  private hitMarker = false;
  constructor(data: Uint8Array, pos: number) {
    this.data = data;
    this.pos = pos;
  }
  private fill(): void {
    while (this.bitCount <= 24) {
      let byte = 0;
      if (!this.hitMarker && this.pos < this.data.length) {
        byte = this.data[this.pos];
        if (byte === 0xff) {
          const next = this.data[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else {
            this.hitMarker = true;
            byte = 0;
          }
        } else this.pos++;
      }
      this.bitBuf = ((this.bitBuf << 8) | byte) >>> 0;
      this.bitCount += 8;
    }
  }
  bit(): number {
    if (this.bitCount === 0) this.fill();
    this.bitCount--;
    return (this.bitBuf >>> this.bitCount) & 1;
  }
  bits(n: number): number {
    if (n === 0) return 0;
    if (this.bitCount < n) this.fill();
    this.bitCount -= n;
    return (this.bitBuf >>> this.bitCount) & ((1 << n) - 1);
  }
  decode(h: Huffman): number {
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      code = (code << 1) | this.bit();
      const s = h.lookup.get((len << 16) | code);
      if (s !== undefined) return s;
    }
    fail('bad Huffman code in the entropy-coded data');
  }
  receiveExtend(s: number): number {
    if (s === 0) return 0;
    if (s > 16) fail(`coefficient size ${s} is out of range`);
    const v = this.bits(s);
    return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
  }
  /** Skips to the next RSTn marker at a restart interval boundary. */
  restart(): void {
    this.bitBuf = 0;
    this.bitCount = 0;
    this.hitMarker = false;
    while (this.pos + 1 < this.data.length && !(this.data[this.pos] === 0xff && this.data[this.pos + 1] >= 0xd0 && this.data[this.pos + 1] <= 0xd7)) this.pos++;
    if (this.pos + 1 < this.data.length) this.pos += 2;
  }
  /** Byte position of the marker that ended the scan. */
  endOfScan(): number {
    let p = this.pos;
    while (p + 1 < this.data.length && !(this.data[p] === 0xff && this.data[p + 1] !== 0x00 && !(this.data[p + 1] >= 0xd0 && this.data[p + 1] <= 0xd7))) p++;
    return p;
  }
}

function decodeBlock(r: BitReader, c: Component, dc: Huffman, ac: Huffman, offset: number): void {
  const t = r.decode(dc);
  c.pred += r.receiveExtend(t);
  const out = c.coeffs;
  out[offset] = c.pred;
  let k = 1;
  while (k < 64) {
    const rs = r.decode(ac);
    const s = rs & 15;
    const run = rs >> 4;
    if (s === 0) {
      if (run === 15) {
        k += 16;
        continue;
      }
      break; // EOB
    }
    k += run;
    if (k > 63) fail('AC coefficient index past 63');
    out[offset + ZIGZAG[k]] = r.receiveExtend(s);
    k++;
  }
}

export function decodeJpegDct(data: Uint8Array): DctDecoded {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) fail('frame does not start with SOI');
  const qt: Int32Array[] = [];
  const dcTables: Huffman[] = [];
  const acTables: Huffman[] = [];
  let frame: { precision: number; width: number; height: number; comps: Component[]; hmax: number; vmax: number; mcusX: number; mcusY: number } | null = null;
  let restartInterval = 0;
  let pos = 2;
  let scans = 0;
  for (;;) {
    if (pos + 1 >= data.length) break;
    if (data[pos] !== 0xff) {
      pos++;
      continue;
    }
    const marker = data[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xd9) break; // EOI
    if (marker >= 0xd0 && marker <= 0xd7) {
      pos += 2;
      continue;
    }
    if (pos + 4 > data.length) fail('truncated marker segment');
    const len = (data[pos + 2] << 8) | data[pos + 3];
    const body = pos + 4;
    const end = pos + 2 + len;
    if (len < 2 || end > data.length) fail(`marker FF${marker.toString(16).toUpperCase()} segment runs past the data`);
    if (marker === 0xdb) {
      for (let p = body; p < end; ) {
        const pq = data[p] >> 4;
        const tq = data[p] & 15;
        p++;
        const table = new Int32Array(64);
        for (let k = 0; k < 64; k++) {
          table[ZIGZAG[k]] = pq ? (data[p] << 8) | data[p + 1] : data[p];
          p += pq ? 2 : 1;
        }
        qt[tq] = table;
      }
    } else if (marker === 0xc4) {
      for (let p = body; p < end; ) {
        const tc = data[p] >> 4;
        const th = data[p] & 15;
        const counts = data.subarray(p + 1, p + 17);
        let total = 0;
        for (let i = 0; i < 16; i++) total += counts[i];
        if (p + 17 + total > end) fail('Huffman table runs past its segment');
        const table = buildHuffman(counts, data.subarray(p + 17, p + 17 + total));
        (tc === 0 ? dcTables : acTables)[th] = table;
        p += 17 + total;
      }
    } else if (marker === 0xdd) {
      restartInterval = (data[body] << 8) | data[body + 1];
    } else if (marker === 0xc0 || marker === 0xc1) {
      const precision = data[body];
      if (precision !== 8 && precision !== 12) fail(`sample precision ${precision}`);
      const height = (data[body + 1] << 8) | data[body + 2];
      const width = (data[body + 3] << 8) | data[body + 4];
      const n = data[body + 5];
      if (!width || !height || !n) fail(`frame header ${width}x${height} with ${n} components`);
      const comps: Component[] = [];
      for (let i = 0; i < n; i++) {
        const p = body + 6 + i * 3;
        comps.push({ id: data[p], h: data[p + 1] >> 4 || 1, v: data[p + 1] & 15 || 1, tq: data[p + 2], blocksPerLine: 0, blocksPerColumn: 0, blocksPerLineAlloc: 0, coeffs: new Int32Array(0), pred: 0, dcTable: 0, acTable: 0 });
      }
      const hmax = Math.max(...comps.map((c) => c.h));
      const vmax = Math.max(...comps.map((c) => c.v));
      const mcusX = Math.ceil(width / (8 * hmax));
      const mcusY = Math.ceil(height / (8 * vmax));
      for (const c of comps) {
        c.blocksPerLine = Math.ceil(Math.ceil((width * c.h) / hmax) / 8);
        c.blocksPerColumn = Math.ceil(Math.ceil((height * c.v) / vmax) / 8);
        c.blocksPerLineAlloc = mcusX * c.h;
        c.coeffs = new Int32Array(mcusX * c.h * mcusY * c.v * 64);
      }
      frame = { precision, width, height, comps, hmax, vmax, mcusX, mcusY };
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      fail(`coding process SOF${marker - 0xc0} is not sequential Huffman DCT`);
    } else if (marker === 0xda) {
      if (!frame) fail('scan before the frame header');
      const ns = data[body];
      const scomps: Component[] = [];
      for (let i = 0; i < ns; i++) {
        const id = data[body + 1 + i * 2];
        const c = frame.comps.find((x) => x.id === id);
        if (!c) fail(`scan names unknown component ${id}`);
        c.dcTable = data[body + 2 + i * 2] >> 4;
        c.acTable = data[body + 2 + i * 2] & 15;
        if (!dcTables[c.dcTable] || !acTables[c.acTable]) fail('scan uses an undefined Huffman table');
        c.pred = 0;
        scomps.push(c);
      }
      pos = decodeScan(data, end, frame, scomps, dcTables, acTables, restartInterval);
      scans++;
      continue;
    }
    pos = end;
  }
  if (!frame) fail('no SOF0/SOF1 frame header');
  if (!scans) fail('no scan data');
  return reconstruct(frame, qt);
}

function decodeScan(
  data: Uint8Array,
  start: number,
  frame: { comps: Component[]; mcusX: number; mcusY: number },
  scomps: Component[],
  dcTables: Huffman[],
  acTables: Huffman[],
  restartInterval: number,
): number {
  const r = new BitReader(data, start);
  const single = scomps.length === 1;
  const total = single ? scomps[0].blocksPerLine * scomps[0].blocksPerColumn : frame.mcusX * frame.mcusY;
  for (let m = 0; m < total; m++) {
    if (restartInterval && m > 0 && m % restartInterval === 0) {
      r.restart();
      for (const c of scomps) c.pred = 0;
    }
    if (single) {
      const c = scomps[0];
      const row = Math.floor(m / c.blocksPerLine);
      const col = m % c.blocksPerLine;
      decodeBlock(r, c, dcTables[c.dcTable], acTables[c.acTable], (row * c.blocksPerLineAlloc + col) * 64);
    } else {
      const mr = Math.floor(m / frame.mcusX);
      const mc = m % frame.mcusX;
      for (const c of scomps) {
        for (let v = 0; v < c.v; v++) {
          for (let h = 0; h < c.h; h++) {
            const row = mr * c.v + v;
            const col = mc * c.h + h;
            decodeBlock(r, c, dcTables[c.dcTable], acTables[c.acTable], (row * c.blocksPerLineAlloc + col) * 64);
          }
        }
      }
    }
  }
  return r.endOfScan();
}

function reconstruct(frame: { precision: number; width: number; height: number; comps: Component[]; hmax: number; vmax: number }, qt: Int32Array[]): DctDecoded {
  const { width, height, comps, precision } = frame;
  const maxVal = (1 << precision) - 1;
  const shift = 1 << (precision - 1);
  const n = comps.length;
  const out = precision > 8 ? new Uint16Array(width * height * n) : new Uint8Array(width * height * n);
  const tmp = new Float64Array(64);
  const block = new Float64Array(64);
  comps.forEach((c, ci) => {
    const q = qt[c.tq];
    if (!q) fail(`component ${c.id} uses undefined quantisation table ${c.tq}`);
    const planeW = c.blocksPerLineAlloc * 8;
    const rowsOfBlocks = c.coeffs.length / 64 / c.blocksPerLineAlloc;
    const plane = new Uint16Array(planeW * rowsOfBlocks * 8);
    for (let br = 0; br < rowsOfBlocks; br++) {
      for (let bc = 0; bc < c.blocksPerLineAlloc; bc++) {
        const off = (br * c.blocksPerLineAlloc + bc) * 64;
        for (let i = 0; i < 64; i++) block[i] = c.coeffs[off + i] * q[i];
        // Rows: tmp[y][x] = sum_u COS[x][u] * block[y][u]; then columns.
        for (let y = 0; y < 8; y++) {
          for (let x = 0; x < 8; x++) {
            let s = 0;
            for (let u = 0; u < 8; u++) s += COS[x * 8 + u] * block[y * 8 + u];
            tmp[y * 8 + x] = s;
          }
        }
        for (let x = 0; x < 8; x++) {
          for (let y = 0; y < 8; y++) {
            let s = 0;
            for (let v = 0; v < 8; v++) s += COS[y * 8 + v] * tmp[v * 8 + x];
            const val = Math.round(s) + shift;
            plane[(br * 8 + y) * planeW + bc * 8 + x] = val < 0 ? 0 : val > maxVal ? maxVal : val;
          }
        }
      }
    }
    // Upsample by replication to full resolution (chroma subsampling) while interleaving.
    const sx = frame.hmax / c.h;
    const sy = frame.vmax / c.v;
    for (let y = 0; y < height; y++) {
      const py = Math.floor(y / sy) * planeW;
      for (let x = 0; x < width; x++) out[(y * width + x) * n + ci] = plane[py + Math.floor(x / sx)];
    }
  });
  return { width, height, components: n, precision, data: out };
}
