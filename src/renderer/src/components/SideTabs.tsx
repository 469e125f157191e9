import { useId, useState, type ReactNode } from 'react';

export interface SideTab {
  id: string;
  label: string;
  /** Rendered only while the tab is selected, so hidden panels do no work. */
  render: () => ReactNode;
}

interface Props {
  /** Accessible name of the tab list, e.g. "Left panel". */
  label: string;
  side: 'left' | 'right';
  tabs: SideTab[];
  /** Selected tab when controlled from outside (e.g. "open the Generate tab"); internal state otherwise. */
  selected?: string;
  onSelect?: (id: string) => void;
}

/**
 * A side panel with tabs (WAI-ARIA tabs pattern: arrow keys move between tabs). Each feature area adds its own
 * tab in App.tsx instead of squeezing into another's panel.
 */
export function SideTabs({ label, side, tabs, selected, onSelect }: Props) {
  const [own, setOwn] = useState(tabs[0]?.id ?? '');
  const current = tabs.some((t) => t.id === (selected ?? own)) ? (selected ?? own) : (tabs[0]?.id ?? '');
  const base = useId();
  const choose = (id: string) => {
    setOwn(id);
    onSelect?.(id);
  };
  const onKey = (e: React.KeyboardEvent, index: number) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const next = tabs[(index + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    choose(next.id);
    document.getElementById(`${base}-tab-${next.id}`)?.focus();
  };
  const active = tabs.find((t) => t.id === current);
  return (
    <div className={`side side-${side}`}>
      {tabs.length > 1 && (
        <div className="side-tabs" role="tablist" aria-label={label}>
          {tabs.map((t, i) => (
            <button
              key={t.id}
              id={`${base}-tab-${t.id}`}
              type="button"
              role="tab"
              aria-selected={t.id === current}
              aria-controls={`${base}-panel`}
              tabIndex={t.id === current ? 0 : -1}
              onClick={() => choose(t.id)}
              onKeyDown={(e) => onKey(e, i)}
            >
              {t.label}
            </button>
          ))}
        </div>
      )}
      <div className="side-panel" id={`${base}-panel`} role={tabs.length > 1 ? 'tabpanel' : undefined} aria-labelledby={tabs.length > 1 ? `${base}-tab-${current}` : undefined}>
        {active?.render()}
      </div>
    </div>
  );
}
