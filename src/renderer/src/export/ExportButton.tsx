import { isFinished } from '../../../shared/job-types.ts';
import { useStore } from '../components/use-store.ts';
import { exportJob, exportUi } from './export-state.ts';
import { ExportDialog } from './ExportDialog.tsx';

/** The toolbar's Export button (with a running export's count) and the dialog it opens. */
export function ExportButton({ canPickPaths }: { canPickPaths: boolean }) {
  const { open } = useStore(exportUi);
  const { job } = useStore(exportJob.store);
  const running = job && !isFinished(job.state);
  return (
    <>
      <button type="button" onClick={() => exportUi.set({ open: true })} title="Export a dataset (CAMUS, EchoNet-Dynamic, DICOM, PNG pairs)">
        Export…{running ? ` ${job.progress.done ?? 0}/${job.progress.total ?? '?'}` : ''}
      </button>
      {open && <ExportDialog canPickPaths={canPickPaths} onClose={() => exportUi.set({ open: false })} />}
    </>
  );
}
