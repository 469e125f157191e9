import { composePrompt } from '../../../shared/prompt-template.ts';
import type { PackSummary } from '../../../shared/inference-types.ts';
import { useStore, useStoreSelect } from '../components/use-store.ts';
import { Store } from '../viewport/store.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';
import { formStore } from './form-store.ts';
import { studyPromptFields } from './study-prompt.ts';

/** What the last fill from a study set (outlives the tab being hidden, as the form does). */
const fillNote = new Store<{ note: string | null }>({ note: null });

/** Sets the prompt fields from the shown catalog study (view, phase, quality, sex, age, EF in the pack's words). */
export function fillPromptFromStudy(viewer: ViewerController, pack: PackSummary): void {
  const v = viewer.state.get().viewable;
  if (!v?.study) return;
  const frame = viewer.shownFrame();
  const filled = studyPromptFields(pack.prompt.fields, v.study.study, frame, { ed: v.edFrame, es: v.esFrame });
  formStore.set({ fields: { ...formStore.get().fields, ...filled } });
  const names = Object.keys(filled);
  fillNote.set({ note: names.length ? `From ${v.id}, frame ${frame + 1}: ${names.map((n) => `${n} ${filled[n]}`).join(', ')}` : `${v.id} says nothing this pack's fields can take` });
}

/** The pack's structured prompt fields (view, phase, quality, sex, age, EF...) plus free text and a negative prompt. */
export function PromptSection({ pack, viewer }: { pack: PackSummary | null; viewer: ViewerController }) {
  const f = useStore(formStore);
  const { note } = useStore(fillNote);
  const catalogStudy = useStoreSelect(viewer.state, (s) => (s.viewable?.source === 'catalog' ? s.viewable.id : null));
  const fields = pack?.prompt.fields ?? {};
  const prompt = pack ? composePrompt(pack.prompt.template || Object.keys(fields).map((k) => `{${k}}`).join(', '), f.fields, f.freeText) : f.freeText;
  const fillFromStudy = () => {
    if (pack) fillPromptFromStudy(viewer, pack);
  };
  return (
    <section className="gen-section" aria-label="Prompt">
      <h3>Prompt</h3>
      <div className="gen-row">
        <button type="button" onClick={fillFromStudy} disabled={!pack || !catalogStudy} title={catalogStudy ? `Set the fields from ${catalogStudy}` : 'Open a catalog study (CAMUS, EchoNet-Dynamic) to take its fields'}>
          Fill from the study
        </button>
        {note && (
          <span className="muted small" role="status" aria-label="Prompt fields filled">
            {note}
          </span>
        )}
      </div>
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
