/**
 * The study library as the UI sees it: what is open, which instance is selected, and the errors to show.
 * On first start (nothing opened yet in this session) it hands over to `onNothingOpen` (the demo study), and
 * opens the embedded DICOM default study when that shows nothing.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo } from '../../shared/contract.ts';
import type { InstanceSummary, LoadError, OpenResult, StudyNode } from '../../shared/dicom-types.ts';
import { describeError, getApi } from './api/get-api.ts';

export interface UiError {
  id: number;
  message: string;
}

let nextErrorId = 1;

export function allInstances(studies: StudyNode[]): InstanceSummary[] {
  return studies.flatMap((s) => s.series.flatMap((se) => se.instances));
}

export interface Library {
  info: AppInfo | null;
  studies: StudyNode[];
  loadErrors: LoadError[];
  errors: UiError[];
  selected: InstanceSummary | null;
  busy: boolean;
  select: (instance: InstanceSummary) => void;
  open: (paths: string[]) => Promise<void>;
  pickAndOpen: (directories: boolean) => Promise<void>;
  report: (err: unknown) => void;
  dismiss: (id: number) => void;
}

/** Shows something when the session has nothing open; resolves false when it did not. */
export type OnNothingOpen = () => Promise<boolean>;

export function useLibrary(onNothingOpen?: OnNothingOpen): Library {
  const nothingOpen = useRef(onNothingOpen);
  nothingOpen.current = onNothingOpen;
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [studies, setStudies] = useState<StudyNode[]>([]);
  const [loadErrors, setLoadErrors] = useState<LoadError[]>([]);
  const [errors, setErrors] = useState<UiError[]>([]);
  const [selected, setSelected] = useState<InstanceSummary | null>(null);
  const [busy, setBusy] = useState(false);

  const report = useCallback((err: unknown) => {
    setErrors((e) => [...e, { id: nextErrorId++, message: describeError(err) }]);
  }, []);
  const dismiss = useCallback((id: number) => setErrors((e) => e.filter((x) => x.id !== id)), []);

  /** Takes in an open result: refreshes the tree from the library and selects the first newly opened image. */
  const absorb = useCallback(async (opened: OpenResult) => {
    const all = await getApi()['studies.list']({});
    setStudies(all.studies);
    setLoadErrors(all.errors);
    const first = allInstances(opened.studies)[0];
    if (first) setSelected(first);
  }, []);

  const open = useCallback(
    async (paths: string[]) => {
      setBusy(true);
      try {
        const res = await getApi()['studies.open']({ paths });
        await absorb(res);
        for (const e of res.errors) report({ kind: e.code, message: e.message });
        if (!res.studies.length && !res.errors.length) report({ message: `Nothing with images found in ${paths.join(', ')}` });
      } catch (err) {
        report(err);
      } finally {
        setBusy(false);
      }
    },
    [absorb, report],
  );

  const pickAndOpen = useCallback(
    async (directories: boolean) => {
      try {
        const { paths } = await getApi()['dialog.pickPaths']({ directories });
        if (paths.length) await open(paths);
      } catch (err) {
        report(err);
      }
    },
    [open, report],
  );

  useEffect(() => {
    let cancelled = false;
    (async () => {
      setBusy(true);
      try {
        const api = getApi();
        const [appInfo, list] = await Promise.all([api['app.info']({}), api['studies.list']({})]);
        if (cancelled) return;
        setInfo(appInfo);
        if (allInstances(list.studies).length === 0) {
          let shown = false;
          try {
            shown = (await nothingOpen.current?.()) ?? false;
          } catch (err) {
            report(err);
          }
          if (shown || cancelled) return;
          const res = await api['studies.openDefault']({});
          if (cancelled) return;
          await absorb(res);
          for (const e of res.errors) report({ kind: e.code, message: e.message });
        } else {
          setStudies(list.studies);
          setLoadErrors(list.errors);
          setSelected(allInstances(list.studies)[0] ?? null);
        }
      } catch (err) {
        if (!cancelled) report(err);
      } finally {
        if (!cancelled) setBusy(false);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [absorb, report]);

  return { info, studies, loadErrors, errors, selected, busy, select: setSelected, open, pickAndOpen, report, dismiss };
}
