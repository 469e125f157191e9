import { useState } from 'react';
import type { Recipe } from '../../../shared/export-recipe.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { exportUi, setForm } from './export-state.ts';
import { recipeToForm, type ExportForm } from './recipe-form.ts';

/** The recipe as a file, to rerun from the command line (`cardiosynth export --recipe FILE`) or load here. */
export function RecipeFile({ form, recipe }: { form: ExportForm; recipe: Recipe }) {
  const [path, setPath] = useState('');
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async () => {
    try {
      const r = await getApi()['export.saveRecipe']({ path: path.trim(), recipe });
      setNote({ ok: true, text: `Saved ${r.path}` });
    } catch (e) {
      setNote({ ok: false, text: describeError(e) });
    }
  };
  const load = async () => {
    try {
      const r = await getApi()['export.loadRecipe']({ path: path.trim() });
      exportUi.set({ form: recipeToForm(r.recipe, r.baseDir, exportUi.get().form) });
      setNote({ ok: true, text: `Loaded ${r.recipe.name} (${r.recipe.sources.length} source(s))` });
    } catch (e) {
      setNote({ ok: false, text: describeError(e) });
    }
  };
  return (
    <section className="gen-section" aria-label="Recipe file">
      <h3>Recipe</h3>
      <div className="gen-row">
        <label className="gen-inline">
          Name
          <input type="text" aria-label="Recipe name" value={form.name} onChange={(e) => setForm({ name: e.target.value })} spellCheck={false} />
        </label>
      </div>
      <div className="gen-row">
        <input type="text" aria-label="Recipe file" placeholder="/path/to/recipe.json" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
        <button type="button" disabled={!path.trim()} onClick={() => void save()}>Save</button>
        <button type="button" disabled={!path.trim()} onClick={() => void load()}>Load</button>
      </div>
      {note && <p role="status" className={`small ${note.ok ? 'muted' : 'error-text'}`}>{note.text}</p>}
    </section>
  );
}
