import type { UiError } from '../library.ts';

/** Errors from the API, each shown until dismissed. */
export function ErrorBanner({ errors, onDismiss }: { errors: UiError[]; onDismiss: (id: number) => void }) {
  if (!errors.length) return null;
  return (
    <div className="errors" role="alert" aria-label="Errors">
      {errors.slice(-5).map((e) => (
        <div key={e.id} className="error-row">
          <span>{e.message}</span>
          <button type="button" onClick={() => onDismiss(e.id)} aria-label="Dismiss error">
            ✕
          </button>
        </div>
      ))}
      {errors.length > 5 && <div className="muted">and {errors.length - 5} earlier</div>}
    </div>
  );
}
