import { useEffect } from 'react';

/**
 * Closes a dialog on Escape. Listens in the capture phase and stops the event there, so the viewer's own
 * Escape shortcut (drop a stroke, close help) does not also fire underneath the dialog.
 */
export function useEscapeToClose(onClose: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
}
