import { useEffect, useState } from 'react';
import type { PackSummary } from '../../../shared/inference-types.ts';
import { SCHEDULER_NAMES } from '../../../shared/inference-types.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { setForm } from './export-state.ts';
import { EF_BAND_CHOICES, PHASE_CHOICES, QUALITY_CHOICES, type ExportForm } from './recipe-form.ts';

const numberOrNull = (s: string): number | null => (s.trim() === '' || !Number.isFinite(Number(s)) ? null : Number(s));

function toggled<T>(list: readonly T[], v: T, on: boolean): T[] {
  return on ? [...new Set([...list, v])] : list.filter((x) => x !== v);
}

/** The synthetic half of the recipe: which generator, K variants per study, outputs, prompt variations, seeds. */
export function SyntheticSection({ form }: { form: ExportForm }) {
  const [packs, setPacks] = useState<PackSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getApi()
      ['packs.list']({})
      .then((l) => {
        setPacks(l.packs);
        if (!form.pack && l.packs[0]) setForm({ pack: l.packs[0].key });
      })
      .catch((e: unknown) => setError(describeError(e)));
    // The list once per opening; the chosen pack stays in the form.
  }, []);
  const pack = packs.find((p) => p.key === form.pack) ?? null;
  // Packs are still-image models for now (cardiosynth-pack/1 has frames: 1): no cines from them.
  const cineDisabled = form.generator === 'pack';
  const off = form.generator === 'none';

  return (
    <section className="gen-section" aria-label="Synthetic variants">
      <h3>Synthetic variants</h3>
      <div className="gen-row" role="radiogroup" aria-label="Generator">
        {([['none', 'None'], ['pack', 'Model pack'], ['phantom', 'Phantom hearts']] as const).map(([v, label]) => (
          <label key={v} className="check">
            <input type="radio" name="export-generator" checked={form.generator === v} onChange={() => setForm({ generator: v, output: v === 'pack' && form.output === 'cine' ? 'ed-es' : form.output })} />
            {label}
          </label>
        ))}
      </div>
      {form.generator === 'pack' && (
        <>
          <select aria-label="Export model pack" value={form.pack} onChange={(e) => setForm({ pack: e.target.value })}>
            {packs.length === 0 && <option value="">{error ? 'Packs could not be listed' : 'Looking for packs…'}</option>}
            {packs.map((p) => (
              <option key={p.key} value={p.key}>{p.name} ({p.version}, {p.resolution.width}×{p.resolution.height})</option>
            ))}
          </select>
          {pack && (
            <p className="muted small" aria-label="Pack note">
              {pack.name} makes still images ({pack.resolution.width}×{pack.resolution.height}), each conditioned on a label map: per variant an ED and an ES still
              (CAMUS keeps them as its _ED/_ES images), or one phase. It cannot make cines, so EchoNet-Dynamic videos need the phantom.
            </p>
          )}
          <div className="gen-grid">
            <label>
              Scheduler
              <select aria-label="Scheduler" value={form.scheduler} onChange={(e) => setForm({ scheduler: e.target.value as ExportForm['scheduler'] })}>
                <option value="">pack default{pack ? ` (${pack.defaults.scheduler})` : ''}</option>
                {SCHEDULER_NAMES.map((s) => <option key={s} value={s}>{s}</option>)}
              </select>
            </label>
            <label>
              Steps
              <input type="number" aria-label="Steps" min={1} max={1000} placeholder={pack ? String(pack.defaults.steps) : ''} value={form.steps ?? ''} onChange={(e) => setForm({ steps: numberOrNull(e.target.value) })} />
            </label>
            <label>
              Guidance
              <input type="number" aria-label="Guidance" min={0} max={50} step={0.5} placeholder={pack ? String(pack.defaults.guidance) : ''} value={form.guidance ?? ''} onChange={(e) => setForm({ guidance: numberOrNull(e.target.value) })} />
            </label>
            <label>
              Control scale
              <input type="number" aria-label="Control scale" min={0} max={5} step={0.1} placeholder={pack ? String(pack.defaults.controlScale) : ''} value={form.controlScale ?? ''} onChange={(e) => setForm({ controlScale: numberOrNull(e.target.value) })} />
            </label>
          </div>
        </>
      )}
      {!off && (
        <>
          <div className="gen-grid">
            <label>
              Variants per study (K)
              <input type="number" aria-label="Variants per study" min={0} max={1000} value={form.variants} onChange={(e) => setForm({ variants: Math.max(0, Math.min(1000, Math.round(Number(e.target.value) || 0))) })} />
            </label>
            <label>
              Each variant is
              <select aria-label="Variant output" value={form.output} onChange={(e) => setForm({ output: e.target.value as ExportForm['output'] })}>
                <option value="ed-es">ED + ES stills</option>
                <option value="still">one still (a phase)</option>
                <option value="cine" disabled={cineDisabled}>a cine (one beat){form.generator === 'pack' ? ': not from a still-image pack' : ''}</option>
              </select>
            </label>
          </div>
          <fieldset className="export-variations">
            <legend>Prompt variations (each variant takes the next combination)</legend>
            <div className="gen-row">
              <span className="muted">Quality</span>
              {QUALITY_CHOICES.map((q) => (
                <label key={q} className="check"><input type="checkbox" aria-label={`Quality ${q}`} checked={form.qualities.includes(q)} onChange={(e) => setForm({ qualities: toggled(form.qualities, q, e.target.checked) })} />{q}</label>
              ))}
            </div>
            {form.output === 'still' && (
              <div className="gen-row">
                <span className="muted">Phase</span>
                {PHASE_CHOICES.map((p) => (
                  <label key={p} className="check"><input type="checkbox" aria-label={`Phase ${p}`} checked={form.phases.includes(p)} onChange={(e) => setForm({ phases: toggled(form.phases, p, e.target.checked) })} />{p}</label>
                ))}
              </div>
            )}
            <div className="gen-row">
              <span className="muted">EF band</span>
              {EF_BAND_CHOICES.map((b) => (
                <label key={b} className="check"><input type="checkbox" aria-label={b} checked={form.efBands.includes(b)} onChange={(e) => setForm({ efBands: toggled(form.efBands, b, e.target.checked) })} />{b}</label>
              ))}
            </div>
          </fieldset>
          <div className="gen-grid">
            <label>
              Seeds
              <select aria-label="Seed strategy" value={form.seedStrategy} onChange={(e) => setForm({ seedStrategy: e.target.value as ExportForm['seedStrategy'] })}>
                <option value="derived">derived from study and variant</option>
                <option value="sequential">sequential from the base</option>
                <option value="per-variant">base + variant (same across studies)</option>
              </select>
            </label>
            <label>
              Seed base
              <input type="number" aria-label="Seed base" min={0} max={4294967295} value={form.seedBase} onChange={(e) => setForm({ seedBase: Math.max(0, Math.round(Number(e.target.value) || 0)) })} />
            </label>
          </div>
        </>
      )}
      {error && <p role="alert" className="error-text small">{error}</p>}
    </section>
  );
}
