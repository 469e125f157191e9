import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CineControls } from './components/CineControls.tsx';
import { ConnectionBadge } from './components/ConnectionBadge.tsx';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { HelpOverlay } from './components/HelpOverlay.tsx';
import { OpenBar } from './components/OpenBar.tsx';
import { PixelProbe } from './components/PixelProbe.tsx';
import { SideTabs, type SideTab } from './components/SideTabs.tsx';
import { StudyBrowser } from './components/StudyBrowser.tsx';
import { TagPanel } from './components/TagPanel.tsx';
import { Viewport } from './components/Viewport.tsx';
import { ViewTools } from './components/ViewTools.tsx';
import { bindShortcuts } from './keys/shortcuts.ts';
import { attachLabelPointer } from './labels/label-pointer.ts';
import type { LabelEditor } from './labels/label-editor.ts';
import { LabelsPanel } from './labels/LabelsPanel.tsx';
import { DraftsPanel } from './labels/DraftsPanel.tsx';
import { useLibrary } from './library.ts';
import { getApi } from './api/get-api.ts';
import type { ViewerController } from './viewport/viewer-controller.ts';

export function App({ viewer, labels }: { viewer: ViewerController; labels: LabelEditor }) {
  const lib = useLibrary();
  const [help, setHelp] = useState(false);
  const [rightTab, setRightTab] = useState('tags');
  // The label layer draws over the viewport; its pointer tools draw with the left button.
  const viewportAttachments = useMemo(() => [(el: HTMLElement) => labels.layer.attach(el), (el: HTMLElement) => attachLabelPointer(el, labels)], [labels]);
  const presetIndex = useRef(0);

  useEffect(() => {
    if (lib.selected) viewer.setInstance(lib.selected);
  }, [lib.selected, viewer]);

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
      }),
    [viewer, labels, cyclePreset],
  );

  // Each feature area is a tab: the left side chooses what to look at, the right side works on it.
  const leftTabs: SideTab[] = [
    {
      id: 'studies',
      label: 'Studies',
      render: () => <StudyBrowser studies={lib.studies} loadErrors={lib.loadErrors} selectedId={lib.selected?.id ?? null} onSelect={lib.select} />,
    },
    { id: 'drafts', label: 'Label drafts', render: () => <DraftsPanel editor={labels} onOpen={(path) => void lib.open([path])} /> },
  ];
  const pickFile = lib.info?.canPickPaths
    ? async () => (await getApi()['dialog.pickPaths']({ directories: false })).paths[0] ?? null
    : undefined;
  const rightTabs: SideTab[] = [
    { id: 'tags', label: 'Tags', render: () => <TagPanel instanceId={lib.selected?.id ?? null} /> },
    { id: 'labels', label: 'Labels', render: () => <LabelsPanel editor={labels} viewer={viewer} pickFile={pickFile} /> },
  ];

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Cardiosynth</span>
        <OpenBar info={lib.info} busy={lib.busy} onOpen={lib.open} onPick={lib.pickAndOpen} />
        <ConnectionBadge />
        <button type="button" className="help-button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts help" title="Help (? or H)">
          ?
        </button>
      </header>
      <ErrorBanner errors={lib.errors} onDismiss={lib.dismiss} />
      <main className="workspace">
        <SideTabs label="Left panel" side="left" tabs={leftTabs} />
        <section className="center" aria-label="Viewer">
          <ViewTools viewer={viewer} />
          <Viewport viewer={viewer} attachments={viewportAttachments} />
          <CineControls viewer={viewer} />
          <footer className="statusbar">
            <PixelProbe viewer={viewer} />
            <span className="muted small" title={lib.selected?.path}>
              {lib.selected?.path ?? ''}
            </span>
          </footer>
        </section>
        <SideTabs label="Right panel" side="right" tabs={rightTabs} selected={rightTab} onSelect={setRightTab} />
      </main>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}
