import { useEffect, useState } from 'react';
import type { DemoDataset } from '../../../shared/contract/start.ts';
import { getApi } from '../api/get-api.ts';
import { importJob } from '../catalog/catalog-state.ts';

/** The demo dataset's state as main sees it, asked again whenever the catalog changed (`revision`). */
export function useDemoDataset(revision: number): DemoDataset | null {
  const [demo, setDemo] = useState<DemoDataset | null>(null);
  useEffect(() => {
    let live = true;
    getApi()
      ['start.plan']({})
      .then((p) => live && setDemo(p.demo))
      .catch(() => live && setDemo(null));
    return () => {
      live = false;
    };
  }, [revision]);
  return demo;
}

/**
 * Under the import bar when the demo dataset is not in the catalog because the user removed it (or its import
 * failed): says so, and offers to add it again (which also forgets the removal, so it is kept up to date at start).
 */
export function DemoDatasetNote({ demo, report }: { demo: DemoDataset | null; report: (err: unknown) => void }) {
  if (!demo || (demo.state !== 'removed' && demo.state !== 'failed')) return null;
  const add = async () => {
    try {
      importJob.follow(await getApi()['start.addDemo']({}));
    } catch (err) {
      report(err);
    }
  };
  return (
    <p className="small muted demo-note" role="note" aria-label="Demo dataset">
      {demo.state === 'removed' ? 'The demo dataset (synthetic phantom hearts) is not in the catalog.' : `The demo dataset could not be imported: ${demo.message ?? 'unknown reason'}.`}{' '}
      <button type="button" className="link-button" onClick={() => void add()}>
        {demo.state === 'removed' ? 'Add it' : 'Try again'}
      </button>
    </p>
  );
}
