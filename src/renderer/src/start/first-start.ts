/**
 * The renderer's half of the first start (main's half: services/first-start). When the session has nothing
 * open, it asks main what to show (start.plan), follows the demo dataset's import job while it runs (in the
 * Catalog tab's import follower, so the Catalog tab shows the same progress), then opens the demo study at
 * ED in the viewer, where its ground truth is drawn over it. The Generate tab then takes its prompt from that
 * study (`promptFrom`) with the embedded pack, so one click on Generate makes a first image.
 */
import type { JobInfo } from '../../../shared/job-types.ts';
import type { StartPlan } from '../../../shared/contract/start.ts';
import { getApi } from '../api/get-api.ts';
import { importJob } from '../catalog/catalog-state.ts';
import { Store } from '../viewport/store.ts';
import { fromStudyView } from '../viewport/viewable.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';

export interface FirstStartState {
  /** main's last answer; null until asked (or when the session had something open). */
  plan: StartPlan | null;
  /** What the viewer says while the start is being prepared. */
  status: string | null;
  /** The demo study the start opened, until the Generate tab has filled its prompt from it. */
  promptFrom: string | null;
  /** Show the Generate tab's one-line welcome (until dismissed). */
  welcome: boolean;
}

export const startStore = new Store<FirstStartState>({ plan: null, status: null, promptFrom: null, welcome: false });

/** Follows an import job in the Catalog tab's follower and resolves when it ends. */
function followToEnd(job: JobInfo): Promise<JobInfo> {
  return new Promise((resolve) => {
    const off = importJob.onFinished((j) => {
      if (j.id !== job.id) return;
      off();
      resolve(j);
    });
    importJob.follow(job);
  });
}

let once: Promise<boolean> | null = null;

/**
 * Opens the demo study as the first thing shown. Returns false when there is none to open (the user removed
 * the demo, the import failed, this installation has none): the caller then opens the DICOM default study.
 * Once per page: a second call (React's development double effects) shares the first.
 */
export function openFirstStart(viewer: ViewerController, report: (err: unknown) => void): Promise<boolean> {
  once ??= run(viewer, report);
  return once;
}

async function run(viewer: ViewerController, report: (err: unknown) => void): Promise<boolean> {
  const api = getApi();
  let plan = await api['start.plan']({});
  startStore.set({ plan });
  for (let waits = 0; plan.demo.state === 'importing' && plan.demo.job && waits < 5; waits++) {
    startStore.set({ status: 'Importing the demo dataset (synthetic phantom hearts)…' });
    const ended = await followToEnd(plan.demo.job);
    plan = await api['start.plan']({});
    startStore.set({ plan });
    if (ended.state === 'failed' && plan.demo.state !== 'ready') break;
  }
  if (plan.demo.state === 'failed') report({ kind: 'io', message: `The demo dataset could not be imported: ${plan.demo.message ?? 'unknown reason'}` });
  if (!plan.study) {
    startStore.set({ status: null });
    return false;
  }
  startStore.set({ status: `Opening ${plan.study.id}…` });
  try {
    const view = await api['catalog.open']({ studyId: plan.study.id });
    // Whatever the user opened meanwhile (the import can take a moment) stays on screen.
    if (viewer.state.get().viewable) {
      startStore.set({ status: null });
      return true;
    }
    viewer.setViewable(fromStudyView(view), view.edFrame ?? 0);
  } catch (err) {
    report(err);
    startStore.set({ status: null });
    return false;
  }
  startStore.set({ status: null, promptFrom: plan.study.id, welcome: true });
  return true;
}
