/**
 * What generation reads from the rest of the app: "the current label map of image I, frame F" (the saved
 * label draft), a catalog study's ground truth on a frame, and a catalog study's frame to pair a result with
 * (or to start img2img from). An interface so the inference service does not depend on how drafts and the
 * catalog are stored; services/index.ts wires it to the label service and the catalog. The CLI's generate
 * has none (it takes files), and requests naming drafts or studies then fail with a clear message.
 */
import type { LabelMapFrame } from '../../../../shared/catalog-types.ts';
import type { StoredLabelMap } from '../../../../shared/contract/labels.ts';
import type { FramePixels } from '../../../../shared/dicom-types.ts';
import type { ImageKey } from '../../../../shared/labels/image-key.ts';
import type { Catalog } from '../../datasets/catalog/index.ts';
import type { LabelService } from '../../labels/index.ts';

export interface StudySources {
  /** The saved draft map of `key`, frame `frame`, or null when that frame has none saved. */
  draft(key: ImageKey, frame: number): StoredLabelMap | null;
  /** A catalog study's ground truth on `frame`, or null when the frame has none. */
  groundTruth(study: string, frame: number): Promise<LabelMapFrame | null>;
  /** A catalog study's frame as the viewer decodes it, and how many frames the study has. */
  frame(study: string, frame: number): Promise<{ pixels: FramePixels; frames: number }>;
}

export function studySources(labels: LabelService, catalog: () => Catalog): StudySources {
  return {
    draft: (key, frame) => labels.get(key, frame),
    groundTruth: (study, frame) => catalog().media.labelMap(study, frame),
    async frame(study, frame) {
      const view = await catalog().media.view(study);
      return { pixels: await catalog().media.frame(study, frame), frames: view.frames };
    },
  };
}
