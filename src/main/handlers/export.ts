/** Dataset export, bound to the export service (jobs on the shared jobs service). */
import type { HandlersFor } from '../../shared/contract.ts';
import type { ExportResults } from '../../shared/contract/export.ts';
import type { Services } from '../services/index.ts';

export function exportHandlers(services: Services): HandlersFor<keyof ExportResults> {
  const ex = services.exports;
  return {
    'export.start': (req) => ex.start(req),
    'export.preview': ({ out, ...req }) => ex.preview({ ...req, out: out ?? '' }),
    'export.folder': ({ out }) => ex.folder(out),
    'export.loadRecipe': ({ path }) => ex.loadRecipe(path),
    'export.saveRecipe': ({ path, recipe }) => ex.saveRecipe(path, recipe),
  };
}
