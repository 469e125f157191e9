import type { ViewerController } from '../viewport/viewer-controller.ts';
import { useStore } from './use-store.ts';

/** The value under the cursor: stored and modality value for grey, RGB for colour, with image coordinates. */
export function PixelProbe({ viewer }: { viewer: ViewerController }) {
  const { probe } = useStore(viewer.probe);
  let text = 'Move the pointer over the image';
  if (probe) {
    const where = `x ${probe.x}, y ${probe.y}`;
    if (probe.rgb) text = `${where} · RGB ${probe.rgb.join(', ')}`;
    else text = `${where} · stored ${probe.stored} · value ${Number(probe.value?.toPrecision(6))}`;
  }
  return (
    <output className="probe" aria-label="Pixel value" aria-live="off">
      {text}
    </output>
  );
}
