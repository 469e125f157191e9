import { useState } from 'react';
import { useStore } from '../components/use-store.ts';
import { EyeIcon, LockIcon } from './icons.tsx';
import type { LabelEditor } from './label-editor.ts';

/** The palette: pick the label to draw with; per label colour, name, visibility and lock. */
export function PaletteList({ editor }: { editor: LabelEditor }) {
  const s = useStore(editor.state);
  // The label being renamed, edited inline (window.prompt does not exist in Electron).
  const [renaming, setRenaming] = useState<{ value: number; name: string } | null>(null);
  return (
    <section aria-label="Labels">
      <h4>Labels</h4>
      <ul className="palette" role="listbox" aria-label="Label to draw with">
        {s.palette.map((l) => {
          const hidden = s.hidden.has(l.value);
          const locked = s.locked.has(l.value);
          const selected = s.label === l.value;
          return (
            <li key={l.value} role="option" aria-selected={selected} className={selected ? 'palette-row selected' : 'palette-row'}>
              <input type="color" value={l.color} aria-label={`Colour of ${l.name}`} onChange={(e) => editor.setLabelColor(l.value, e.target.value)} />
              {renaming?.value === l.value ? (
                <form
                  className="palette-rename"
                  onSubmit={(e) => {
                    e.preventDefault();
                    editor.renameLabel(l.value, renaming.name);
                    setRenaming(null);
                  }}
                >
                  <input
                    type="text"
                    autoFocus
                    aria-label={`New name of label ${l.value}`}
                    value={renaming.name}
                    maxLength={64}
                    onChange={(e) => setRenaming({ value: l.value, name: e.target.value })}
                    onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
                    onBlur={() => setRenaming(null)}
                  />
                </form>
              ) : (
                <button type="button" className="palette-pick" onClick={() => editor.setLabel(l.value)} aria-label={`Draw with ${l.value} ${l.name}`} title={l.value <= 9 ? `Key ${l.value}` : undefined}>
                  <span className="palette-value">{l.value}</span> {l.name}
                </button>
              )}
              {l.value !== 0 && (
                <>
                  <button type="button" className="icon" aria-pressed={!hidden} aria-label={`${hidden ? 'Show' : 'Hide'} ${l.name}`} title={hidden ? 'Hidden' : 'Visible'} onClick={() => editor.toggleHidden(l.value)}>
                    <EyeIcon open={!hidden} />
                  </button>
                  <button type="button" className="icon" aria-pressed={locked} aria-label={`${locked ? 'Unlock' : 'Lock'} ${l.name}`} title={locked ? 'Locked: never overwritten' : 'Unlocked'} onClick={() => editor.toggleLocked(l.value)}>
                    <LockIcon locked={locked} />
                  </button>
                  <button
                    type="button"
                    className="icon"
                    aria-label={`Rename ${l.name}`}
                    title="Rename"
                    onClick={() => setRenaming({ value: l.value, name: l.name })}
                  >
                    ✎
                  </button>
                  {l.value > 3 && (
                    <button type="button" className="icon" aria-label={`Remove ${l.name}`} title="Remove from the palette" onClick={() => editor.removeLabel(l.value)}>
                      ✕
                    </button>
                  )}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
