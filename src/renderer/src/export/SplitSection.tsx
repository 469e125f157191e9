import { setForm } from './export-state.ts';
import type { ExportForm } from './recipe-form.ts';

const frac = (s: string): number => Math.max(0, Math.min(1, Number(s) || 0));

/** The real:synthetic ratio and the train/val/test split (per patient: a patient's variants share its split). */
export function SplitSection({ form }: { form: ExportForm }) {
  const sum = form.train + form.val + form.test;
  return (
    <section className="gen-section" aria-label="Ratio and splits">
      <h3>Ratio and splits</h3>
      <div className="gen-row">
        <label className="check">
          <input type="checkbox" checked={form.useRatio} onChange={(e) => setForm({ useRatio: e.target.checked })} />
          Real : synthetic ratio
        </label>
        <input type="number" aria-label="Ratio real" min={0} max={1000} className="export-small" value={form.ratioReal} disabled={!form.useRatio} onChange={(e) => setForm({ ratioReal: Math.max(0, Number(e.target.value) || 0) })} />
        :
        <input type="number" aria-label="Ratio synthetic" min={0} max={1000} className="export-small" value={form.ratioSynthetic} disabled={!form.useRatio} onChange={(e) => setForm({ ratioSynthetic: Math.max(0, Number(e.target.value) || 0) })} />
      </div>
      <div className="gen-grid export-splits">
        {(['train', 'val', 'test'] as const).map((k) => (
          <label key={k}>
            {k}
            <input type="number" aria-label={`Split ${k}`} min={0} max={1} step={0.05} value={form[k]} onChange={(e) => setForm({ [k]: frac(e.target.value) } as Partial<ExportForm>)} />
          </label>
        ))}
        <label>
          Assigned by
          <select aria-label="Split method" value={form.splitMethod} onChange={(e) => setForm({ splitMethod: e.target.value as ExportForm['splitMethod'] })}>
            <option value="hash">patient hash (stable)</option>
            <option value="exact">exact fractions</option>
          </select>
        </label>
      </div>
      {Math.abs(sum - 1) > 1e-6 && <p className="error-text small" role="alert">train + val + test is {Number(sum.toFixed(3))}, not 1</p>}
      <label className="check">
        <input type="checkbox" checked={form.keepSourceSplit} onChange={(e) => setForm({ keepSourceSplit: e.target.checked })} />
        Keep the split the dataset gives each patient
      </label>
    </section>
  );
}
