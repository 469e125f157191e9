/**
 * Lossless JPEG (ITU T.81 process 14, SOF3) decoder: DICOM's JPEG Lossless transfer syntaxes 1.2.840.10008.1.2.4.57
 * and .70 (selection value 1). Our own rather than jpeg-lossless-decoder-js because that one decoded about
 * 4 megasamples/s here (an 800x600 RGB echo frame in ~120 ms, too slow to play a cine), reads past the last pixel
 * of some streams, and cannot resume after restart markers. This one decodes Huffman codes through a 9-bit lookup
 * table and keeps the predictor loop free of per-sample branching on the component.
 *
 * Supported: precision 2-16, predictors 1-7, point transform, restart intervals, several components interleaved
 * in one scan or one scan per component, all with sampling factors 1x1 (the only kind DICOM's lossless syntaxes
 * carry). Output: samples interleaved by pixel, Uint8Array for precision <= 8 and Uint16Array above.
 */
import { AppError } from '../../../../shared/errors.ts';

export interface LosslessImage {
  width: number;
  height: number;
  components: number;
  precision: number;
  data: Uint8Array | Uint16Array;
}

interface HuffmanTable {
  /** Fast path: index = next 9 bits; value = (length << 8) | symbol, 0 when the code is longer than 9 bits. */
  lookup: Uint16Array;
  /** Slow path (codes of 10-16 bits): canonical decoding tables per length. */
  maxCode: Int32Array;
  valPtr: Int32Array;
  minCode: Int32Array;
  values: Uint8Array;
}

const FAST_BITS = 9;

function fail(message: string): never {
  throw new AppError('decode-failed', `JPEG lossless: ${message}`);
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const lookup = new Uint16Array(1 << FAST_BITS);
  const maxCode = new Int32Array(18).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    valPtr[len] = k;
    minCode[len] = code;
    for (let i = 0; i < counts[len - 1]; i++, k++, code++) {
      if (len <= FAST_BITS) {
        const shift = FAST_BITS - len;
        const base = code << shift;
        for (let j = 0; j < 1 << shift; j++) lookup[base + j] = (len << 8) | values[k];
      }
    }
    maxCode[len] = counts[len - 1] ? code - 1 : -1;
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff; // sentinel: no code is longer than 16 bits
  return { lookup, maxCode, valPtr, minCode, values };
}

/** Entropy-coded segment reader: removes 0xFF00 stuffing and stops (feeding zeros) at any marker. */
class BitReader {
  private acc = 0;
  private bits = 0;
  pos: number;
  /** Set when a marker was met; its code (e.g. 0xD0-0xD7 for RSTn, 0xD9 for EOI). */
  marker = -1;
  private readonly b: Uint8Array;
  constructor(b: Uint8Array, start: number) {
    this.b = b;
    this.pos = start;
  }

  private fill(): void {
    while (this.bits <= 24) {
      let byte = 0;
      if (this.marker < 0 && this.pos < this.b.length) {
        byte = this.b[this.pos];
        if (byte === 0xff) {
          const next = this.b[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else if (next === 0xff) {
            this.pos += 1; // fill bytes before a marker
            continue;
          } else {
            this.marker = next ?? 0xd9;
            byte = 0;
          }
        } else this.pos++;
      }
      this.acc = ((this.acc << 8) | byte) >>> 0;
      this.bits += 8;
    }
  }

  peek(n: number): number {
    if (this.bits < n) this.fill();
    return (this.acc >>> (this.bits - n)) & ((1 << n) - 1);
  }

  skip(n: number): void {
    this.bits -= n;
  }

  read(n: number): number {
    if (n === 0) return 0;
    const v = this.peek(n);
    this.bits -= n;
    return v;
  }

  decode(t: HuffmanTable): number {
    const fast = t.lookup[this.peek(FAST_BITS)];
    if (fast) {
      this.bits -= fast >> 8;
      return fast & 0xff;
    }
    let code = this.read(FAST_BITS);
    let len = FAST_BITS;
    while (code > t.maxCode[len]) {
      code = (code << 1) | this.read(1);
      len++;
      if (len > 16) fail('bad Huffman code in the entropy-coded data');
    }
    return t.values[t.valPtr[len] + code - t.minCode[len]];
  }

  /** Drops buffered bits and skips the marker that stopped the reader (an RSTn at a restart boundary). */
  restart(): number {
    this.acc = 0;
    this.bits = 0;
    if (this.marker < 0) {
      // The padding bits before the marker were already buffered, so the reader has not met it yet: it is next.
      while (this.b[this.pos] === 0xff && this.b[this.pos + 1] === 0xff) this.pos++;
      if (this.b[this.pos] === 0xff && this.pos + 1 < this.b.length) this.marker = this.b[this.pos + 1];
    }
    const m = this.marker;
    if (m >= 0) {
      this.pos += 2;
      this.marker = -1;
    }
    return m;
  }
}

/** The difference value of one sample: a Huffman-coded magnitude category, then that many extra bits. */
function readDiff(r: BitReader, t: HuffmanTable): number {
  const ssss = r.decode(t);
  if (ssss === 0) return 0;
  if (ssss === 16) return 32768;
  if (ssss > 16) fail(`difference category ${ssss} is above 16`);
  const v = r.read(ssss);
  return v < 1 << (ssss - 1) ? v - (1 << ssss) + 1 : v;
}

interface Component {
  id: number;
  index: number;
}

export function decodeJpegLossless(b: Uint8Array): LosslessImage {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) fail('the frame does not start with an SOI marker');
  const tables: (HuffmanTable | undefined)[] = [];
  let frame: { width: number; height: number; precision: number; comps: Component[] } | null = null;
  let out: Uint8Array | Uint16Array | null = null;
  let restartInterval = 0;
  let at = 2;
  let scans = 0;

  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) {
      at++; // tolerate stray bytes between segments, as libjpeg does
      continue;
    }
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd9) break;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = (b[at + 2] << 8) | b[at + 3];
    const body = at + 4;
    const end = at + 2 + length;
    if (length < 2 || end > b.length) fail(`segment FF${marker.toString(16).toUpperCase()} runs past the end of the frame`);
    if (marker === 0xc4) {
      let p = body;
      while (p < end) {
        const tc = b[p] >> 4;
        const th = b[p] & 15;
        const counts = b.subarray(p + 1, p + 17);
        const n = counts.reduce((s, c) => s + c, 0);
        if (tc !== 0 || p + 17 + n > end) fail('bad DHT segment');
        tables[th] = buildHuffman(counts, b.subarray(p + 17, p + 17 + n));
        p += 17 + n;
      }
    } else if (marker === 0xdd) {
      restartInterval = (b[body] << 8) | b[body + 1];
    } else if (marker === 0xc3) {
      const precision = b[body];
      const height = (b[body + 1] << 8) | b[body + 2];
      const width = (b[body + 3] << 8) | b[body + 4];
      const n = b[body + 5];
      if (precision < 2 || precision > 16) fail(`sample precision ${precision} (2 to 16 allowed)`);
      if (!width || !height || !n) fail(`bad frame size ${width}x${height}x${n} (a DNL marker is not supported)`);
      const comps: Component[] = [];
      for (let c = 0; c < n; c++) {
        const hv = b[body + 7 + 3 * c];
        if (hv !== 0x11) fail(`component ${c} has sampling factors ${hv >> 4}x${hv & 15}; only 1x1 is supported`);
        comps.push({ id: b[body + 6 + 3 * c], index: c });
      }
      frame = { width, height, precision, comps };
      const count = width * height * n;
      out = precision > 8 ? new Uint16Array(count) : new Uint8Array(count);
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc8 && marker !== 0xcc) {
      fail(`frame marker FF${marker.toString(16).toUpperCase()} is not lossless (SOF3)`);
    } else if (marker === 0xda) {
      if (!frame || !out) fail('scan before the frame header');
      const ns = b[body];
      const scanComps: { comp: Component; table: HuffmanTable }[] = [];
      for (let i = 0; i < ns; i++) {
        const id = b[body + 1 + 2 * i];
        const comp = frame.comps.find((c) => c.id === id) ?? fail(`scan names component ${id}, which the frame does not have`);
        const table = tables[b[body + 2 + 2 * i] >> 4] ?? fail(`scan uses Huffman table ${b[body + 2 + 2 * i] >> 4}, which was not defined`);
        scanComps.push({ comp, table });
      }
      const predictor = b[body + 1 + 2 * ns];
      const pt = b[body + 3 + 2 * ns] & 15;
      if (predictor < 1 || predictor > 7) fail(`predictor ${predictor} (1 to 7 allowed)`);
      at = decodeScan(b, end, frame, out, scanComps, predictor, pt, restartInterval);
      scans++;
      continue;
    }
    at = end;
  }
  if (!frame || !out) fail('no SOF3 frame header');
  if (scans === 0) fail('no scan');
  return { width: frame.width, height: frame.height, components: frame.comps.length, precision: frame.precision, data: out };
}

/** Decodes one scan into `out`; returns the position after its entropy-coded data. */
function decodeScan(
  b: Uint8Array,
  start: number,
  frame: { width: number; height: number; precision: number; comps: Component[] },
  out: Uint8Array | Uint16Array,
  scanComps: { comp: Component; table: HuffmanTable }[],
  predictor: number,
  pt: number,
  restartInterval: number,
): number {
  const { width, height } = frame;
  const nc = frame.comps.length;
  const ns = scanComps.length;
  const rowStride = width * nc;
  const initial = 1 << (frame.precision - pt - 1);
  const mask = (1 << (frame.precision - pt)) - 1;
  // Reconstructed values before the point transform is undone: previous and current row per scan component.
  const prev = Array.from({ length: ns }, () => new Int32Array(width));
  const cur = Array.from({ length: ns }, () => new Int32Array(width));
  const r = new BitReader(b, start);
  // T.81 H.1.1: in lossless mode a restart interval is a whole number of MCU rows (a row is `width` MCUs).
  if (restartInterval % width !== 0) fail(`restart interval ${restartInterval} is not a whole number of ${width}-pixel rows`);
  const rowsPerRestart = restartInterval / width;
  let firstLine = true; // the first line of the scan or of a restart interval: predict from the left (Ra)

  for (let y = 0; y < height; y++) {
    if (rowsPerRestart && y > 0 && y % rowsPerRestart === 0) {
      const m = r.restart();
      if (m < 0xd0 || m > 0xd7) fail(`expected a restart marker before row ${y}, found ${m < 0 ? 'none' : `FF${m.toString(16).toUpperCase()}`}`);
      firstLine = true;
    }
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < ns; c++) {
        const row = cur[c];
        const above = prev[c];
        let px: number;
        if (firstLine) px = x === 0 ? initial : row[x - 1];
        else if (x === 0) px = above[0];
        else {
          const ra = row[x - 1];
          const rb = above[x];
          const rc = above[x - 1];
          switch (predictor) {
            case 1: px = ra; break;
            case 2: px = rb; break;
            case 3: px = rc; break;
            case 4: px = ra + rb - rc; break;
            case 5: px = ra + ((rb - rc) >> 1); break;
            case 6: px = rb + ((ra - rc) >> 1); break;
            default: px = (ra + rb) >> 1; break;
          }
        }
        const v = (px + readDiff(r, scanComps[c].table)) & mask;
        row[x] = v;
        out[y * rowStride + x * nc + scanComps[c].comp.index] = v << pt;
      }
    }
    firstLine = false;
    for (let c = 0; c < ns; c++) {
      const t = prev[c];
      prev[c] = cur[c];
      cur[c] = t;
    }
  }
  // Skip to the next marker after the scan's data.
  let p = r.pos;
  while (p + 1 < b.length && !(b[p] === 0xff && b[p + 1] !== 0x00 && !(b[p + 1] >= 0xd0 && b[p + 1] <= 0xd7))) p++;
  return p;
}
