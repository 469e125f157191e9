import { useEffect, useMemo, useRef, useState } from 'react';
import { getApi } from '../api/get-api.ts';
import { useStore } from '../components/use-store.ts';
import { useEscapeToClose } from '../components/use-escape-to-close.ts';
import { catalogUi } from '../catalog/catalog-state.ts';
import { exportUi } from './export-state.ts';
import { ExportRun } from './ExportRun.tsx';
import { formToRecipe } from './recipe-form.ts';
import { RecipeFile } from './RecipeFile.tsx';
import { SourceSection } from './SourceSection.tsx';
import { SplitSection } from './SplitSection.tsx';
import { SyntheticSection } from './SyntheticSection.tsx';
import './export.css';

/**
 * Export a dataset: what (the catalog filter's studies, ticked studies, kept results), a recipe (K variants,
 * prompt variations, ratio, splits) that can be saved and loaded as a file, the layout and the destination,
 * then the export as a job with progress, cancel and resume. The job keeps running when the dialog closes.
 */
export function ExportDialog({ canPickPaths, onClose }: { canPickPaths: boolean; onClose(): void }) {
  const { form } = useStore(exportUi);
  const { filter } = useStore(catalogUi);
  const [kept, setKept] = useState<string[]>([]);
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    getApi()
      ['results.list']({})
      .then((rs) => setKept(rs.filter((r) => r.kept).map((r) => r.record.files.sidecar)))
      .catch(() => setKept([]));
    close.current?.focus();
  }, []);
  useEscapeToClose(onClose);

  const recipe = useMemo(() => formToRecipe(form, { filter, keptSidecars: kept }), [form, filter, kept]);
  return (
    <div className="gen-backdrop" role="presentation" onClick={onClose}>
      <div className="gen-dialog export-dialog" role="dialog" aria-modal="true" aria-label="Export dataset" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
        <header className="gen-row">
          <strong>Export dataset</strong>
          <span className="muted small">pseudonymous ids, synthetic items marked, a manifest of how each was made</span>
          <button ref={close} type="button" className="export-close" onClick={onClose} aria-label="Close export dialog">Close</button>
        </header>
        <div className="export-columns">
          <div className="export-column">
            <SourceSection form={form} keptResults={kept.length} />
            <SyntheticSection form={form} />
          </div>
          <div className="export-column">
            <SplitSection form={form} />
            <RecipeFile form={form} recipe={recipe} />
            <ExportRun form={form} recipe={recipe} canPickPaths={canPickPaths} />
          </div>
        </div>
      </div>
    </div>
  );
}
