/**
 * cornerstone image loader for the `cardiosynth:` scheme: fetches a decoded frame through the API (decoding
 * happens main-side, so the renderer needs no codec and its CSP needs no 'unsafe-eval'): DICOM frames from
 * `instance.frame`, catalog study frames (NIfTI, MetaImage, AVI) from `catalog.frame`.
 */
import * as cornerstone from 'cornerstone-core';
import type { Api } from '../../../shared/contract.ts';
import { IMAGE_SCHEME, frameToImage, parseImageId, type ViewerImage } from './frame-image.ts';

let registered = false;

export function registerFrameLoader(api: Api): void {
  if (registered) return;
  registered = true;
  cornerstone.registerImageLoader(IMAGE_SCHEME, (imageId: string) => {
    const { source, id, frame } = parseImageId(imageId);
    const fetched = source === 'catalog' ? api['catalog.frame']({ studyId: id, frame }) : api['instance.frame']({ instanceId: id, frame });
    const promise = fetched.then((f) => frameToImage(imageId, f));
    return { promise };
  });
}

export function loadFrameImage(imageId: string): Promise<ViewerImage> {
  return cornerstone.loadImage(imageId) as Promise<ViewerImage>;
}
