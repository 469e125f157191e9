/** Schedulers by name, configured from a pack's scheduler_config.json (see scheduler.ts for the interface). */
import type { SchedulerName } from '../../../../shared/inference-types.ts';
import { DdimScheduler } from './ddim.ts';
import { DdpmScheduler } from './ddpm.ts';
import { DpmSolverPp2mScheduler } from './dpm-solver-pp-2m.ts';
import { EulerDiscreteScheduler } from './euler-discrete.ts';
import type { Scheduler } from './scheduler.ts';

export type { NoiseSource, Scheduler } from './scheduler.ts';

export function createScheduler(name: SchedulerName, config: Record<string, unknown>): Scheduler {
  switch (name) {
    case 'ddim':
      return new DdimScheduler(config);
    case 'ddpm':
      return new DdpmScheduler(config);
    case 'euler':
      return new EulerDiscreteScheduler(config);
    case 'dpmpp2m':
      return new DpmSolverPp2mScheduler(config);
  }
}
