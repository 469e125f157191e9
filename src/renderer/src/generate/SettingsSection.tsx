import { SCHEDULER_CLASS, SCHEDULER_NAMES, type ProviderChoice, type SchedulerName, type SeedMode } from '../../../shared/inference-types.ts';
import { useStore } from '../components/use-store.ts';
import { formStore } from './form-store.ts';

function num(v: string, lo: number, hi: number, integer = false): number {
  const n = Number(v);
  if (!Number.isFinite(n)) return lo;
  const c = Math.min(hi, Math.max(lo, n));
  return integer ? Math.round(c) : c;
}

/** Scheduler, steps, guidance, ControlNet scale and window, seeds, count and execution provider. */
export function SettingsSection() {
  const f = useStore(formStore);
  return (
    <section className="gen-section" aria-label="Settings">
      <h3>Sampling</h3>
      <div className="gen-grid">
        <label>
          Scheduler
          <select aria-label="Scheduler" value={f.scheduler} onChange={(e) => formStore.set({ scheduler: e.target.value as SchedulerName })}>
            {SCHEDULER_NAMES.map((s) => (
              <option key={s} value={s} title={SCHEDULER_CLASS[s]}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Steps
          <input type="number" aria-label="Steps" min={1} max={1000} value={f.steps} onChange={(e) => formStore.set({ steps: num(e.target.value, 1, 1000, true) })} />
        </label>
        <label>
          Guidance
          <input type="number" aria-label="Guidance" min={0} max={50} step={0.5} value={f.guidance} onChange={(e) => formStore.set({ guidance: num(e.target.value, 0, 50) })} />
        </label>
        <label>
          Control scale
          <input type="number" aria-label="Control scale" min={0} max={5} step={0.1} value={f.controlScale} onChange={(e) => formStore.set({ controlScale: num(e.target.value, 0, 5) })} />
        </label>
        <label>
          Control from
          <input type="number" aria-label="Control start" min={0} max={1} step={0.05} value={f.controlStart} onChange={(e) => formStore.set({ controlStart: num(e.target.value, 0, 1) })} />
        </label>
        <label>
          Control to
          <input type="number" aria-label="Control end" min={0} max={1} step={0.05} value={f.controlEnd} onChange={(e) => formStore.set({ controlEnd: num(e.target.value, 0, 1) })} />
        </label>
        <label>
          Seed mode
          <select aria-label="Seed mode" value={f.seedMode} onChange={(e) => formStore.set({ seedMode: e.target.value as SeedMode })}>
            <option value="increment">increment</option>
            <option value="fixed">fixed</option>
            <option value="random">random</option>
          </select>
        </label>
        <label>
          Seed
          <span className="gen-row">
            <input type="number" aria-label="Seed" min={0} value={f.seed} disabled={f.seedMode === 'random'} onChange={(e) => formStore.set({ seed: num(e.target.value, 0, Number.MAX_SAFE_INTEGER, true) })} />
            <button type="button" title="New random seed" aria-label="New random seed" disabled={f.seedMode === 'random'} onClick={() => formStore.set({ seed: crypto.getRandomValues(new Uint32Array(1))[0] })}>
              ⟳
            </button>
          </span>
        </label>
        <label>
          Count
          <input type="number" aria-label="Count" min={1} max={1000} value={f.count} onChange={(e) => formStore.set({ count: num(e.target.value, 1, 1000, true) })} />
        </label>
        <label>
          Provider
          <select aria-label="Provider" value={f.provider} onChange={(e) => formStore.set({ provider: e.target.value as ProviderChoice })}>
            <option value="auto">auto (CUDA, WebGPU, CPU)</option>
            <option value="cuda">CUDA</option>
            <option value="webgpu">WebGPU</option>
            <option value="cpu">CPU</option>
          </select>
        </label>
      </div>
      {f.controlStart >= f.controlEnd && <p className="error-text small">The control window must start before it ends.</p>}
    </section>
  );
}
