/**
 * The export dialog's state that outlives the dialog: the form (closing and reopening keeps it) and the export
 * job being followed (an export keeps running with the dialog closed; reopening shows its progress).
 */
import { JobFollower } from '../catalog/job-follower.ts';
import { Store } from '../viewport/store.ts';
import { DEFAULT_FORM, type ExportForm } from './recipe-form.ts';

export const exportUi = new Store<{ open: boolean; form: ExportForm }>({ open: false, form: DEFAULT_FORM });
export const exportJob = new JobFollower();

export function setForm(patch: Partial<ExportForm>): void {
  exportUi.set({ form: { ...exportUi.get().form, ...patch } });
}
