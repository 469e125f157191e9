import { describe, expect, it } from 'vitest';
import { imageIdFor, parseImageId } from './frame-image.ts';
import { frameKey } from './viewable.ts';

describe('image ids', () => {
  it('round-trip the source, an id with separators in it, and the frame', () => {
    for (const [source, id] of [['dicom', '3f2a9c'], ['catalog', 'camus:patient0001:2CH'], ['catalog', 'nifti:a/b c%2F?']] as const) {
      const imageId = imageIdFor(frameKey({ source, id }), 17);
      expect(parseImageId(imageId)).toEqual({ source, id, frame: 17 });
    }
  });
  it('refuse an id without a frame', () => {
    expect(() => parseImageId('cardiosynth:dicom/abc')).toThrow(/Bad image id/);
  });
});
