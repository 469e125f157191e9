/**
 * Never lose a label edit to a closed tab or window: save when the page is hidden, and ask before unloading
 * while a save is still due (the browser shows its own "leave site?" prompt).
 */
import type { LabelEditor } from './label-editor.ts';

export function guardUnsavedLabels(editor: LabelEditor): () => void {
  const hidden = () => {
    if (document.visibilityState === 'hidden') void editor.flush();
  };
  const beforeUnload = (e: BeforeUnloadEvent) => {
    if (!editor.hasUnsaved) return;
    void editor.flush();
    e.preventDefault();
  };
  document.addEventListener('visibilitychange', hidden);
  window.addEventListener('beforeunload', beforeUnload);
  return () => {
    document.removeEventListener('visibilitychange', hidden);
    window.removeEventListener('beforeunload', beforeUnload);
  };
}
