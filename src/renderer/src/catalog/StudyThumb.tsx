import { useEffect, useRef, useState } from 'react';
import { describeError, getApi } from '../api/get-api.ts';

/** Thumbnails already drawn this session, so scrolling back does not ask again. */
const cache = new Map<string, ImageData>();
const CACHE_MAX = 600;

/** A catalog study's ED frame (from `catalog.thumbnail`, cached in the catalog), fetched when shown. */
export function StudyThumb({ studyId, size }: { studyId: string; size: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const key = `${studyId}@${size}`;
    const paint = (img: ImageData) => {
      const c = ref.current;
      if (!c) return;
      c.width = img.width;
      c.height = img.height;
      c.getContext('2d')!.putImageData(img, 0, 0);
    };
    const hit = cache.get(key);
    if (hit) {
      paint(hit);
      return;
    }
    // A short delay: rows that fly past while scrolling never ask.
    const timer = setTimeout(() => {
      getApi()
        ['catalog.thumbnail']({ studyId, size })
        .then((t) => {
          const img = new ImageData(new Uint8ClampedArray(t.rgba), t.width, t.height);
          if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
          cache.set(key, img);
          if (live) paint(img);
        })
        .catch((err: unknown) => live && setError(describeError(err)));
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [studyId, size]);
  if (error) {
    return (
      <div className="thumb thumb-error thumb-small" title={error} role="img" aria-label={`Thumbnail failed: ${error}`}>
        !
      </div>
    );
  }
  return <canvas ref={ref} className="thumb thumb-small" width={size} height={size} aria-hidden="true" />;
}
