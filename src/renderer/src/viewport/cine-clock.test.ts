import { describe, expect, it } from 'vitest';
import { CineClock, frameDurations } from './cine-clock.ts';

describe('frameDurations', () => {
  it('uses 1000/rate when there are no per-frame times', () => {
    expect(frameDurations(3, 50)).toEqual([20, 20, 20]);
  });
  it('uses per-frame times, replacing unusable entries by the mean period', () => {
    expect(frameDurations(3, 25, [0, 30, 50])).toEqual([40, 30, 50]);
  });
  it('falls back to the default rate, never 1 fps, when the rate is missing', () => {
    expect(frameDurations(2, 0)[0]).toBeCloseTo(1000 / 30);
  });
});

describe('CineClock', () => {
  it('picks the frame due by elapsed time and skips frames when a tick is late', () => {
    const c = new CineClock(frameDurations(10, 50));
    c.anchor(1000, 0, 1);
    expect(c.frameAt(1000, true)).toBe(0);
    expect(c.frameAt(1019.9, true)).toBe(0);
    expect(c.frameAt(1020, true)).toBe(1);
    expect(c.frameAt(1105, true)).toBe(5); // a 85 ms stall skips to the frame due, it does not slow down
  });
  it('loops without drift and stops at the end when not looping', () => {
    const c = new CineClock(frameDurations(10, 50));
    c.anchor(0, 0, 1);
    expect(c.frameAt(200 * 1000 + 60, true)).toBe(3); // 1000 loops later, still on the grid
    expect(c.frameAt(200, false)).toBeNull();
    expect(c.frameAt(199, false)).toBe(9);
  });
  it('honours speed and anchoring at a later frame', () => {
    const c = new CineClock(frameDurations(10, 10)); // 100 ms frames
    c.anchor(0, 4, 2);
    expect(c.frameAt(0, true)).toBe(4);
    expect(c.frameAt(50, true)).toBe(5);
    expect(c.timeOf(6)).toBe(100);
  });
  it('follows a frame time vector', () => {
    const c = new CineClock([10, 100, 10]);
    c.anchor(0, 0, 1);
    expect(c.frameAt(50, true)).toBe(1);
    expect(c.frameAt(111, true)).toBe(2);
  });
});
