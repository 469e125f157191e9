import { useEffect, useRef, useState } from 'react';
import { describeError, getApi } from '../api/get-api.ts';

/** The instance's first frame, drawn from the RGBA that `instance.thumbnail` returns. */
export function Thumbnail({ instanceId, size }: { instanceId: string; size: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    getApi()
      ['instance.thumbnail']({ instanceId, size })
      .then((t) => {
        const c = ref.current;
        if (!live || !c) return;
        c.width = t.width;
        c.height = t.height;
        const rgba = new Uint8ClampedArray(t.rgba); // a copy: ImageData wants its own ArrayBuffer
        c.getContext('2d')!.putImageData(new ImageData(rgba, t.width, t.height), 0, 0);
      })
      .catch((err: unknown) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [instanceId, size]);
  if (error) {
    return (
      <div className="thumb thumb-error" style={{ width: size, height: size }} title={error} role="img" aria-label={`Thumbnail failed: ${error}`}>
        !
      </div>
    );
  }
  return <canvas ref={ref} className="thumb" width={size} height={size} aria-hidden="true" />;
}
