/** The first-start methods: what to open when nothing is open, and bringing back the demo dataset. */
import type { HandlersFor } from '../../shared/contract.ts';
import type { StartResults } from '../../shared/contract/start.ts';
import type { Services } from '../services/index.ts';

export function startHandlers(services: Services): HandlersFor<keyof StartResults> {
  return {
    'start.plan': () => services.firstStart.plan(),
    'start.addDemo': () => services.firstStart.addDemo(),
  };
}
