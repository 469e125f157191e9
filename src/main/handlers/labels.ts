/** The label-map methods, bound to the label service. */
import type { HandlersFor } from '../../shared/contract.ts';
import type { LabelResults } from '../../shared/contract/labels.ts';
import type { Services } from '../services/index.ts';

export function labelHandlers(services: Services): HandlersFor<keyof LabelResults> {
  const { labels } = services;
  return {
    'labels.draft': ({ key }) => labels.draft(key),
    'labels.get': ({ key, frame }) => labels.get(key, frame),
    'labels.put': (args) => labels.put(args),
    'labels.list': () => labels.list(),
    'labels.discard': ({ key }) => ({ discarded: labels.discard(key) }),
    'labels.import': (args) => labels.import(args),
    'labels.export': (args) => labels.export(args),
    'labels.packPalette': ({ path }) => labels.packPalette(path),
  };
}
