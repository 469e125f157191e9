import { useCallback, useEffect, useRef, useState } from 'react';
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
import { GeneratePanel } from './generate/GeneratePanel.tsx';
import { bindShortcuts } from './keys/shortcuts.ts';
import { useLibrary } from './library.ts';
import type { ViewerController } from './viewport/viewer-controller.ts';

export function App({ viewer }: { viewer: ViewerController }) {
  const lib = useLibrary();
  const [help, setHelp] = useState(false);
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
        toggleHelp: () => setHelp((h) => !h),
        closeHelp: () => setHelp(false),
        cyclePreset,
      }),
    [viewer, cyclePreset],
  );

  // Each feature area is a tab: the left side chooses what to look at, the right side works on it.
  const leftTabs: SideTab[] = [
    {
      id: 'studies',
      label: 'Studies',
      render: () => <StudyBrowser studies={lib.studies} loadErrors={lib.loadErrors} selectedId={lib.selected?.id ?? null} onSelect={lib.select} />,
    },
  ];
  const rightTabs: SideTab[] = [
    { id: 'tags', label: 'Tags', render: () => <TagPanel instanceId={lib.selected?.id ?? null} /> },
    { id: 'generate', label: 'Generate', render: () => <GeneratePanel viewer={viewer} selected={lib.selected} info={lib.info} /> },
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
          <Viewport viewer={viewer} />
          <CineControls viewer={viewer} />
          <footer className="statusbar">
            <PixelProbe viewer={viewer} />
            <span className="muted small" title={lib.selected?.path}>
              {lib.selected?.path ?? ''}
            </span>
          </footer>
        </section>
        <SideTabs label="Right panel" side="right" tabs={rightTabs} />
      </main>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}
