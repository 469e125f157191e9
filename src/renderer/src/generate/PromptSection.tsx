import { composePrompt } from '../../../shared/prompt-template.ts';
import type { PackSummary } from '../../../shared/inference-types.ts';
import { useStore } from '../components/use-store.ts';
import { formStore } from './form-store.ts';

/** The pack's structured prompt fields (view, phase, quality, sex, age, EF...) plus free text and a negative prompt. */
export function PromptSection({ pack }: { pack: PackSummary | null }) {
  const f = useStore(formStore);
  const fields = pack?.prompt.fields ?? {};
  const prompt = pack ? composePrompt(pack.prompt.template || Object.keys(fields).map((k) => `{${k}}`).join(', '), f.fields, f.freeText) : f.freeText;
  return (
    <section className="gen-section" aria-label="Prompt">
      <h3>Prompt</h3>
      <div className="gen-fields">
        {Object.entries(fields).map(([name, options]) => (
          <label key={name} className="gen-field">
            <span className="muted small">{name}</span>
            <select aria-label={`Prompt ${name}`} value={f.fields[name] ?? ''} onChange={(e) => formStore.set({ fields: { ...f.fields, [name]: e.target.value } })}>
              <option value="">(leave out)</option>
              {options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      <input type="text" aria-label="Free text" placeholder="More words (free text)" value={f.freeText} onChange={(e) => formStore.set({ freeText: e.target.value })} />
      <output className="gen-prompt mono" aria-label="Composed prompt">
        {prompt || '(empty prompt)'}
      </output>
      <input type="text" aria-label="Negative prompt" placeholder="Negative prompt" value={f.negative} onChange={(e) => formStore.set({ negative: e.target.value })} />
    </section>
  );
}

/** The prompt the form composes for `pack`. */
export function composedPrompt(pack: PackSummary | null): string {
  const f = formStore.get();
  if (!pack) return f.freeText;
  const template = pack.prompt.template || Object.keys(pack.prompt.fields).map((k) => `{${k}}`).join(', ');
  return composePrompt(template, f.fields, f.freeText);
}
