import { LABEL_POINTER_HELP } from '../labels/label-pointer.ts';
import { SHORTCUTS, type Shortcut } from '../keys/shortcuts.ts';
import { POINTER_HELP } from '../viewport/pointer-tools.ts';

function KeyTable({ rows }: { rows: Shortcut[] }) {
  return (
    <table>
      <tbody>
        {rows.map((s) => (
          <tr key={`${s.label}-${s.action}`}>
            <td>
              <kbd>{s.label}</kbd>
            </td>
            <td>{s.action}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PointerTable({ rows }: { rows: { input: string; action: string }[] }) {
  return (
    <table>
      <tbody>
        {rows.map((p) => (
          <tr key={p.input}>
            <td>{p.input}</td>
            <td>{p.action}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Lists the bindings from the same tables that bind them. */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const groups = [...new Set(SHORTCUTS.map((s) => s.group).filter((g): g is string => !!g))];
  return (
    <div className="help-backdrop" onClick={onClose}>
      <div className="help" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>Keyboard shortcuts</h2>
          <button type="button" onClick={onClose} aria-label="Close help">
            ✕
          </button>
        </header>
        <div className="help-columns">
          <section>
            <h3>Viewer</h3>
            <KeyTable rows={SHORTCUTS.filter((s) => !s.group)} />
            <h3>Pointer</h3>
            <PointerTable rows={POINTER_HELP} />
          </section>
          {groups.map((g) => (
            <section key={g}>
              <h3>{g}</h3>
              <KeyTable rows={SHORTCUTS.filter((s) => s.group === g)} />
              {g === 'Labels' && (
                <>
                  <h3>Pointer (label tools)</h3>
                  <PointerTable rows={LABEL_POINTER_HELP} />
                </>
              )}
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
