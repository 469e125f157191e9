/**
 * editor.*: the label-editing core (src/shared/labels) at pointer rate on a 1024 x 1024 map, in this Node
 * process (the renderer runs the same code in Chromium's V8). Strokes are replayed as a fast hand draws them:
 * pointer samples 5-60 px apart, each joined to the previous by one paintSegment call, over a map that already
 * holds a CAMUS-like heart so the tool writes over, and skips, existing labels.
 *
 *   editor.stroke_segment_p95_ms   one segment (brush 25 px round/square), recording its undo data included
 *   editor.flood_fill_1024_ms      fill of the whole empty 1024 x 1024 map (the worst case) + its undo entry
 *   editor.undo_p95_ms             undo of a stroke / fill / lasso entry (200 entries), and redo
 *   editor.history_bytes_per_stroke  the undo entry of one 1024 x 1024 stroke (vs a 1 MiB snapshot)
 */
import { paintSegment, snapToGrid, type BrushTip, type Point } from '../../src/shared/labels/brush.ts';
import { floodFill } from '../../src/shared/labels/flood-fill.ts';
import { LabelDocument } from '../../src/shared/labels/label-document.ts';
import { fillPolygon } from '../../src/shared/labels/lasso.ts';
import { loadavg } from 'node:os';
import { figure, median, type Figure } from './figures.ts';
import { createPrng } from '../../src/main/services/phantom/prng.ts';

const SIZE = 1024;

/** Seeded uniform numbers in [0, 1): the phantom's mulberry32 stream (same seed, same draws). */
const rng = (seed: number): (() => number) => createPrng(seed).next;

function heart(): Uint8Array {
  const d = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const e = ((x - 512) / 200) ** 2 + ((y - 420) / 320) ** 2;
      d[y * SIZE + x] = e < 0.7 ? 1 : e < 1 ? 2 : ((x - 512) / 180) ** 2 + ((y - 820) / 140) ** 2 < 1 ? 3 : 0;
    }
  return d;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

/** One stroke of `segments` fast pointer moves; returns per-segment times. */
function drawStroke(doc: LabelDocument, rand: () => number, size: number, tip: BrushTip, segments: number, label: number): number[] {
  const times: number[] = [];
  const s = doc.beginStroke(0, 'Brush');
  let p: Point = { x: 100 + rand() * 824, y: 100 + rand() * 824 };
  let last = snapToGrid(p, size);
  let angle = rand() * 2 * Math.PI;
  for (let k = 0; k < segments; k++) {
    angle += (rand() - 0.5) * 1.2;
    const step = 5 + rand() * 55;
    p = { x: Math.min(SIZE - 1, Math.max(0, p.x + step * Math.cos(angle))), y: Math.min(SIZE - 1, Math.max(0, p.y + step * Math.sin(angle))) };
    const c = snapToGrid(p, size);
    const t0 = performance.now();
    paintSegment(s, last, c, { size, tip }, label);
    doc.strokeProgress(s.takeRecent());
    times.push(performance.now() - t0);
    last = c;
  }
  return times;
}

export function editorBench(): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  const rand = rng(42);
  const doc = new LabelDocument(SIZE, SIZE, 1, { maxEntries: 1000, maxBytes: 1 << 30 });
  doc.load(0, heart());
  // Warm-up: let V8 optimise the hot loops, as a renderer that has been drawing for a while has.
  for (let k = 0; k < 20; k++) {
    drawStroke(doc, rand, 25, k % 2 ? 'square' : 'round', 30, 1 + (k % 3));
    doc.endStroke();
  }
  for (let k = 0; k < 20; k++) doc.undo();

  const segTimes: number[] = [];
  const bigTimes: number[] = [];
  const commitTimes: number[] = [];
  for (let k = 0; k < 100; k++) {
    segTimes.push(...drawStroke(doc, rand, 25, k % 2 ? 'square' : 'round', 40, 1 + (k % 3)));
    const t0 = performance.now();
    doc.endStroke();
    commitTimes.push(performance.now() - t0);
  }
  for (let k = 0; k < 20; k++) {
    bigTimes.push(...drawStroke(doc, rand, 96, 'round', 40, 2));
    doc.endStroke();
  }
  out['editor.stroke_segment_p95_ms'] = figure(p95(segTimes), 'ms', { op: '<=', limit: 8 }, `p95 of ${segTimes.length} segments (brush 25 px, round and square, samples 5-60 px apart) on a 1024x1024 map, undo recording included; median ${median(segTimes).toFixed(3)} ms`);
  out['editor.stroke_segment_p95_ms_brush96'] = figure(p95(bigTimes), 'ms', { op: '<=', limit: 8 }, `the same with a 96 px brush (${bigTimes.length} segments)`);
  out['editor.stroke_commit_p95_ms'] = figure(p95(commitTimes), 'ms', null, `pointer-up: turning a 40-segment stroke into its undo entry (${commitTimes.length} strokes)`);

  // History cost of one 1024x1024 stroke: 40 segments of a 25 px brush across the map.
  const one = new LabelDocument(SIZE, SIZE, 1);
  one.load(0, heart());
  drawStroke(one, rng(7), 25, 'round', 40, 2);
  const entry = one.endStroke()!;
  const changed = entry.changes[0].delta.count;
  out['editor.history_bytes_per_stroke'] = figure(entry.bytes, 'bytes', null, `undo entry of one 40-segment 25 px stroke on a 1024x1024 map (${changed} pixels changed); a snapshot would be ${SIZE * SIZE} bytes`, { changed_pixels: changed, snapshot_bytes: SIZE * SIZE });

  // Flood fill of the whole empty map, with its undo entry (apply commits it).
  const fillTimes: number[] = [];
  const fillCpu: number[] = [];
  const empty = new LabelDocument(SIZE, SIZE, 1);
  empty.load(0, null);
  for (let k = 0; k < 12; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    empty.apply('Fill', [0], (s) => void floodFill(s, 512, 512, 1 + (k % 3)));
    fillTimes.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    fillCpu.push((c.user + c.system) / 1000);
    empty.undo();
  }
  const fills = fillTimes.slice(2);
  out['editor.flood_fill_1024_ms'] = figure(median(fills), 'ms', { op: '<=', limit: 30 }, `median wall time of ${fills.length} fills of all 1,048,576 pixels of an empty 1024x1024 map, undo entry included (after 2 warm-up runs); max ${Math.max(...fills).toFixed(2)} ms; median CPU time ${median(fillCpu.slice(2)).toFixed(2)} ms; load average ${loadavg()[0].toFixed(1)} when measured`);

  // Undo/redo over a mixed history: the 100 strokes and 20 big strokes above, plus fills and lassos.
  for (let k = 0; k < 40; k++) {
    if (k % 2) doc.apply('Fill', [0], (s) => void floodFill(s, rand() * SIZE, rand() * SIZE, 1 + (k % 3)));
    else doc.apply('Lasso', [0], (s) => fillPolygon(s, Array.from({ length: 12 }, () => ({ x: rand() * SIZE, y: rand() * SIZE })), 1 + (k % 3)));
  }
  const undoTimes: number[] = [];
  for (;;) {
    const t0 = performance.now();
    const e = doc.undo();
    if (!e) break;
    undoTimes.push(performance.now() - t0);
  }
  const redoTimes: number[] = [];
  for (;;) {
    const t0 = performance.now();
    const e = doc.redo();
    if (!e) break;
    redoTimes.push(performance.now() - t0);
  }
  out['editor.undo_p95_ms'] = figure(p95(undoTimes), 'ms', { op: '<=', limit: 10 }, `p95 of ${undoTimes.length} undos (strokes of 25 and 96 px, fills, lassos) on a 1024x1024 map; max ${Math.max(...undoTimes).toFixed(2)} ms; redo p95 ${p95(redoTimes).toFixed(3)} ms`);
  return out;
}
