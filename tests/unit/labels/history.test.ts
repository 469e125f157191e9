/** Undo/redo through LabelDocument: inverse deltas restore every earlier state exactly, in any sequence. */
import { describe, expect, it } from 'vitest';
import { paintSegment, snapToGrid } from '../../../src/shared/labels/brush.ts';
import { floodFill } from '../../../src/shared/labels/flood-fill.ts';
import { copyMap } from '../../../src/shared/labels/frame-ops.ts';
import { LabelDocument } from '../../../src/shared/labels/label-document.ts';
import { labelMapChecksum } from '../../../src/shared/labels/label-map.ts';
import { fillPolygon } from '../../../src/shared/labels/lasso.ts';
import { deltaBytes } from '../../../src/shared/labels/pixel-delta.ts';
import { rng } from './helpers.ts';

function snapshot(doc: LabelDocument): string {
  return doc.loadedFrames().map((f) => `${f}:${labelMapChecksum(doc.get(f)!)}`).join(' ');
}

function randomOp(doc: LabelDocument, rand: () => number): void {
  const f = Math.floor(rand() * doc.frameCount);
  const label = 1 + Math.floor(rand() * 3);
  const kind = Math.floor(rand() * 4);
  const pt = () => ({ x: rand() * doc.width, y: rand() * doc.height });
  if (kind === 0) {
    const s = doc.beginStroke(f, 'Brush');
    const size = 1 + Math.floor(rand() * 9);
    let a = snapToGrid(pt(), size);
    for (let k = 0; k < 6; k++) {
      const b = snapToGrid(pt(), size);
      paintSegment(s, a, b, { size, tip: rand() < 0.5 ? 'round' : 'square' }, label);
      a = b;
    }
    doc.endStroke();
  } else if (kind === 1) {
    doc.apply('Fill', [f], (s) => void floodFill(s, rand() * doc.width, rand() * doc.height, label));
  } else if (kind === 2) {
    doc.apply('Lasso', [f], (s) => fillPolygon(s, [pt(), pt(), pt(), pt()], label));
  } else {
    const src = doc.get(f)!.slice();
    const targets = [0, 1, 2].filter((t) => t !== f);
    doc.apply('Copy', targets, (s) => copyMap(s, src));
  }
}

describe('undo / redo', () => {
  it('walks back and forth through 60 random strokes, fills, lassos and copies, restoring every state exactly', () => {
    const rand = rng(11);
    const doc = new LabelDocument(96, 80, 3);
    for (let f = 0; f < 3; f++) doc.load(f, null);
    const states = [snapshot(doc)];
    for (let k = 0; k < 60; k++) {
      const before = doc.history.undoCount;
      randomOp(doc, rand);
      if (doc.history.undoCount > before) states.push(snapshot(doc));
      else expect(snapshot(doc)).toBe(states.at(-1)); // a no-op leaves no entry and no change
    }
    expect(doc.history.undoCount).toBe(states.length - 1);
    for (let k = states.length - 2; k >= 0; k--) {
      expect(doc.undo()).not.toBeNull();
      expect(snapshot(doc)).toBe(states[k]);
    }
    expect(doc.undo()).toBeNull();
    for (let k = 1; k < states.length; k++) {
      doc.redo();
      expect(snapshot(doc)).toBe(states[k]);
    }
    expect(doc.redo()).toBeNull();
  });

  it('undo twice, redo once, then a new edit drops the redo step', () => {
    const doc = new LabelDocument(32, 32, 1);
    doc.load(0, null);
    const s0 = snapshot(doc);
    doc.apply('Lasso', [0], (s) => fillPolygon(s, [{ x: 4, y: 4 }, { x: 20, y: 4 }, { x: 12, y: 20 }], 1));
    const s1 = snapshot(doc);
    const st = doc.beginStroke(0, 'Brush');
    paintSegment(st, { x: 2.5, y: 28.5 }, { x: 29.5, y: 28.5 }, { size: 3, tip: 'round' }, 2);
    doc.endStroke();
    const s2 = snapshot(doc);
    expect(doc.undo()!.label).toBe('Brush');
    expect(doc.undo()!.label).toBe('Lasso');
    expect(snapshot(doc)).toBe(s0);
    expect(doc.redo()!.label).toBe('Lasso');
    expect(snapshot(doc)).toBe(s1);
    expect(doc.history.redoCount).toBe(1);
    doc.apply('Fill', [0], (s) => void floodFill(s, 0, 0, 3));
    expect(doc.history.redoCount).toBe(0);
    expect(snapshot(doc)).not.toBe(s2);
    expect(doc.takeDirty()).toEqual([0]);
    expect(doc.takeDirty()).toEqual([]);
  });

  it('one stroke is one entry holding only the pixels it changed; Escape restores the pixels and records nothing', () => {
    const doc = new LabelDocument(1024, 1024, 1);
    doc.load(0, null);
    const s = doc.beginStroke(0, 'Brush');
    let a = snapToGrid({ x: 100, y: 100 }, 21);
    for (let k = 1; k <= 30; k++) {
      const b = snapToGrid({ x: 100 + k * 25, y: 100 + k * 20 }, 21);
      paintSegment(s, a, b, { size: 21, tip: 'round' }, 1);
      a = b;
    }
    const e = doc.endStroke()!;
    expect(doc.history.undoCount).toBe(1);
    const painted = doc.get(0)!.reduce((n, v) => n + (v ? 1 : 0), 0);
    expect(e.changes[0].delta.count).toBe(painted);
    expect(deltaBytes(e.changes[0].delta)).toBeLessThan(20_000); // vs a 1 MiB snapshot
    const before = labelMapChecksum(doc.get(0)!);
    const s2 = doc.beginStroke(0, 'Brush');
    paintSegment(s2, { x: 10.5, y: 900.5 }, { x: 900.5, y: 900.5 }, { size: 9, tip: 'square' }, 2);
    doc.cancelStroke();
    expect(labelMapChecksum(doc.get(0)!)).toBe(before);
    expect(doc.history.undoCount).toBe(1);
  });

  it('keeps a bounded history: the oldest entries go first', () => {
    const doc = new LabelDocument(16, 16, 1, { maxEntries: 5, maxBytes: 1e9 });
    doc.load(0, null);
    for (let k = 0; k < 8; k++) doc.apply(`Fill ${k}`, [0], (s) => void floodFill(s, 0, 0, (k % 3) + 1));
    expect(doc.history.undoCount).toBe(5);
    const labels: string[] = [];
    for (let e = doc.undo(); e; e = doc.undo()) labels.push(e.label);
    expect(labels).toEqual(['Fill 7', 'Fill 6', 'Fill 5', 'Fill 4', 'Fill 3']);
    const small = new LabelDocument(64, 64, 1, { maxEntries: 100, maxBytes: 1000 });
    small.load(0, null);
    for (let k = 0; k < 20; k++) small.apply('Lasso', [0], (s) => fillPolygon(s, [{ x: k, y: 0 }, { x: 64, y: k * 3 }, { x: k, y: 64 }], (k % 3) + 1));
    expect(small.history.bytes).toBeLessThanOrEqual(1000);
    expect(small.history.undoCount).toBeGreaterThan(0);
  });

  it('an operation that throws part-way leaves every frame as it was and records nothing', () => {
    const doc = new LabelDocument(8, 8, 3);
    for (let f = 0; f < 3; f++) doc.load(f, null);
    const before = snapshot(doc);
    expect(() =>
      doc.apply('Broken', [0, 1, 2], (s, f) => {
        s.fillSpan(2, 0, 7, 1);
        if (f === 2) throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(snapshot(doc)).toBe(before);
    expect(doc.history.undoCount).toBe(0);
  });
});
