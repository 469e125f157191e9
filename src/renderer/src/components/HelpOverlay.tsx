import { SHORTCUTS } from '../keys/shortcuts.ts';
import { POINTER_HELP } from '../viewport/pointer-tools.ts';

/** Lists the bindings from the same tables that bind them. */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="help-backdrop" onClick={onClose}>
      <div className="help" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>Keyboard shortcuts</h2>
          <button type="button" onClick={onClose} aria-label="Close help">
            ✕
          </button>
        </header>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.label}>
                <td>
                  <kbd>{s.label}</kbd>
                </td>
                <td>{s.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Pointer</h3>
        <table>
          <tbody>
            {POINTER_HELP.map((p) => (
              <tr key={p.input}>
                <td>{p.input}</td>
                <td>{p.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
