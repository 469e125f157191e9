import { useState, type FormEvent } from 'react';
import type { AppInfo } from '../../../shared/contract.ts';

interface Props {
  info: AppInfo | null;
  busy: boolean;
  onOpen: (paths: string[]) => void;
  onPick: (directories: boolean) => void;
}

/** Opening studies: native pickers on the desktop, a path field everywhere (the serve door has no dialog). */
export function OpenBar({ info, busy, onOpen, onPick }: Props) {
  const [path, setPath] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (p) onOpen([p]);
  };
  return (
    <form className="open-bar" onSubmit={submit} role="search" aria-label="Open studies">
      {info?.canPickPaths && (
        <>
          <button type="button" onClick={() => onPick(false)} disabled={busy}>
            Open files…
          </button>
          <button type="button" onClick={() => onPick(true)} disabled={busy}>
            Open folder…
          </button>
        </>
      )}
      <input
        type="text"
        aria-label="Path to open"
        placeholder="File or folder path on the server, e.g. /data/echo/study1"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        spellCheck={false}
      />
      <button type="submit" disabled={busy || !path.trim()}>
        Open
      </button>
      {busy && <span className="busy" role="status">Loading…</span>}
    </form>
  );
}
