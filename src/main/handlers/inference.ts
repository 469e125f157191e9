/** Model packs, generation and the results gallery, bound to the inference service. */
import type { HandlersFor } from '../../shared/contract.ts';
import type { InferenceResults } from '../../shared/contract/inference.ts';
import type { Services } from '../services/index.ts';

export function inferenceHandlers(services: Services): HandlersFor<keyof InferenceResults> {
  const inf = services.inference;
  return {
    'packs.list': () => inf.listPacks(),
    'packs.addFolder': ({ path }) => inf.packs.addFolder(path),
    'packs.removeFolder': ({ path }) => inf.packs.removeFolder(path),
    'inference.status': () => inf.status(),
    'inference.release': async () => {
      inf.engine.release();
      return inf.status();
    },
    'conditioning.preview': ({ pack, conditioning }) => inf.previewLabels(conditioning, pack),
    'generate.start': ({ request }) => inf.generate(request),
    'results.list': () => inf.listResults(),
    'results.image': ({ id }) => inf.results.image(id),
    'results.compare': ({ id }) => inf.compare(id),
    'results.keep': ({ id, kept }) => inf.results.keep(id, kept),
    'results.discard': ({ id }) => {
      inf.results.discard(id);
      return { id };
    },
  };
}
