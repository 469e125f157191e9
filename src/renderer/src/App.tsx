import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CatalogRow } from '../../shared/catalog-types.ts';
import type { InstanceSummary } from '../../shared/dicom-types.ts';
import { getApi } from './api/get-api.ts';
import { CatalogPanel } from './catalog/CatalogPanel.tsx';
import { StudyPanel } from './catalog/StudyPanel.tsx';
import { CineControls } from './components/CineControls.tsx';
import { ConnectionBadge } from './components/ConnectionBadge.tsx';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { ExportButton } from './export/ExportButton.tsx';
import { HelpOverlay } from './components/HelpOverlay.tsx';
import { OpenBar } from './components/OpenBar.tsx';
import { PixelProbe } from './components/PixelProbe.tsx';
import { SideTabs, type SideTab } from './components/SideTabs.tsx';
import { StudyBrowser } from './components/StudyBrowser.tsx';
import { TagPanel } from './components/TagPanel.tsx';
import { Viewport } from './components/Viewport.tsx';
import { useStoreSelect } from './components/use-store.ts';
import { ViewTools } from './components/ViewTools.tsx';
import { GeneratePanel } from './generate/GeneratePanel.tsx';
import { bindShortcuts } from './keys/shortcuts.ts';
import { attachLabelPointer } from './labels/label-pointer.ts';
import type { LabelEditor } from './labels/label-editor.ts';
import { LabelsPanel } from './labels/LabelsPanel.tsx';
import { DraftsPanel } from './labels/DraftsPanel.tsx';
import { useLibrary } from './library.ts';
import type { LabelOverlay } from './overlay/label-overlay.ts';
import { OverlayPanel } from './overlay/OverlayPanel.tsx';
import { OverlayToggle } from './overlay/OverlayToggle.tsx';
import { openFirstStart, startStore } from './start/first-start.ts';
import { fromStudyView } from './viewport/viewable.ts';
import type { ViewerController } from './viewport/viewer-controller.ts';

export function App({ viewer, overlay, labels }: { viewer: ViewerController; overlay: LabelOverlay; labels: LabelEditor }) {
  const [help, setHelp] = useState(false);
  const [leftTab, setLeftTab] = useState('studies');
  const [rightTab, setRightTab] = useState('tags');
  // Nothing open yet: the demo study at ED with its ground truth, and the Generate tab ready to use it.
  const firstStart = useCallback(async () => {
    const shown = await openFirstStart(viewer, (err) => libRef.current?.report(err));
    if (shown) {
      setLeftTab('catalog');
      setRightTab('generate');
    }
    return shown;
  }, [viewer]);
  const lib = useLibrary(firstStart);
  const libRef = useRef(lib);
  libRef.current = lib;
  const startStatus = useStoreSelect(startStore, (s) => s.status);
  // The label layer draws over the viewport; its pointer tools draw with the left button.
  const viewportAttachments = useMemo(() => [(el: HTMLElement) => labels.layer.attach(el), (el: HTMLElement) => attachLabelPointer(el, labels)], [labels]);
  const presetIndex = useRef(0);
  const shown = useStoreSelect(viewer.state, (s) => (s.viewable ? `${s.viewable.source}:${s.viewable.id}` : null));
  const shownPath = useStoreSelect(viewer.state, (s) => s.viewable?.instance?.path ?? s.viewable?.study?.study.sequencePath ?? s.viewable?.study?.study.sources[0]?.path ?? null);

  useEffect(() => {
    if (lib.selected) viewer.setInstance(lib.selected);
  }, [lib.selected, viewer]);

  // Clicking the instance already selected (after a catalog study was shown) shows it again.
  const selectInstance = useCallback(
    (i: InstanceSummary) => {
      if (lib.selected?.id === i.id) viewer.setInstance(i);
      else lib.select(i);
    },
    [lib, viewer],
  );

  const openStudy = useCallback(
    async (row: Pick<CatalogRow, 'id'>, phase: 'ED' | 'ES' | undefined) => {
      try {
        const view = await getApi()['catalog.open']({ studyId: row.id });
        const start = phase === 'ED' ? view.edFrame : phase === 'ES' ? view.esFrame : null;
        viewer.setViewable(fromStudyView(view), start ?? 0);
      } catch (err) {
        lib.report(err);
      }
    },
    [viewer, lib],
  );

  const cyclePreset = useCallback(() => {
    const presets = viewer.presets();
    if (!presets.length) return;
    presetIndex.current = (presetIndex.current + 1) % presets.length;
    const p = presets[presetIndex.current];
    viewer.setWindow(p.center, p.width);
  }, [viewer]);

  useEffect(
    () =>
      bindShortcuts(window, {
        viewer,
        labels,
        showLabels: () => setRightTab('labels'),
        toggleHelp: () => setHelp((h) => !h),
        closeHelp: () => setHelp(false),
        cyclePreset,
        toggleOverlay: () => overlay.toggle(),
      }),
    [viewer, labels, cyclePreset, overlay],
  );

  // Each feature area is a tab: the left side chooses what to look at, the right side works on it.
  const leftTabs: SideTab[] = [
    {
      id: 'studies',
      label: 'Studies',
      render: () => <StudyBrowser studies={lib.studies} loadErrors={lib.loadErrors} selectedId={shown?.startsWith('dicom:') ? (lib.selected?.id ?? null) : null} onSelect={selectInstance} />,
    },
    {
      id: 'catalog',
      label: 'Catalog',
      render: () => <CatalogPanel canPickPaths={lib.info?.canPickPaths ?? false} selectedId={shown?.startsWith('catalog:') ? shown.slice('catalog:'.length) : null} onOpen={openStudy} report={lib.report} />,
    },
    { id: 'drafts', label: 'Label drafts', render: () => <DraftsPanel editor={labels} onOpen={(key) => void (key.kind === 'dicom-file' ? lib.open([key.path]) : openStudy({ id: key.study }, undefined))} /> },
  ];
  const pickFile = lib.info?.canPickPaths
    ? async () => (await getApi()['dialog.pickPaths']({ directories: false })).paths[0] ?? null
    : undefined;
  const rightTabs: SideTab[] = [
    {
      id: 'tags',
      label: 'Tags',
      render: () =>
        shown?.startsWith('catalog:') ? (
          <p className="tags muted">DICOM attributes apply to DICOM files; this is a catalog study (NIfTI, MetaImage or AVI). Its fields are in the Study tab.</p>
        ) : (
          <TagPanel instanceId={shown?.startsWith('dicom:') ? shown.slice('dicom:'.length) : null} />
        ),
    },
    { id: 'study', label: 'Study', render: () => <StudyPanel viewer={viewer} /> },
    { id: 'labels', label: 'Labels', render: () => <LabelsPanel editor={labels} viewer={viewer} pickFile={pickFile} /> },
    { id: 'gt', label: 'Ground truth', render: () => <OverlayPanel overlay={overlay} viewer={viewer} /> },
    { id: 'generate', label: 'Generate', render: () => <GeneratePanel viewer={viewer} labels={labels} info={lib.info} /> },
  ];

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Cardiosynth</span>
        {/* Opened files are listed in the Studies tab, so it comes forward (the first start shows the Catalog). */}
        <OpenBar
          info={lib.info}
          busy={lib.busy}
          onOpen={(p) => {
            setLeftTab('studies');
            void lib.open(p);
          }}
          onPick={(d) => {
            setLeftTab('studies');
            void lib.pickAndOpen(d);
          }}
        />
        <ConnectionBadge />
        <ExportButton canPickPaths={lib.info?.canPickPaths ?? false} />
        <button type="button" className="help-button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts help" title="Help (? or H)">
          ?
        </button>
      </header>
      <ErrorBanner errors={lib.errors} onDismiss={lib.dismiss} />
      <main className={leftTab === 'catalog' ? 'workspace wide-left' : 'workspace'}>
        <SideTabs label="Left panel" side="left" tabs={leftTabs} selected={leftTab} onSelect={setLeftTab} />
        <section className="center" aria-label="Viewer">
          <ViewTools viewer={viewer}>
            <OverlayToggle overlay={overlay} viewer={viewer} />
          </ViewTools>
          <Viewport viewer={viewer} attachments={viewportAttachments} />
          <CineControls viewer={viewer} />
          <footer className="statusbar">
            <PixelProbe viewer={viewer} />
            <span className="muted small" title={shownPath ?? undefined}>
              {shownPath ?? startStatus ?? ''}
            </span>
          </footer>
        </section>
        <SideTabs label="Right panel" side="right" tabs={rightTabs} selected={rightTab} onSelect={setRightTab} />
      </main>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}
