/** Small line icons for the palette rows (drawn, so they do not depend on an emoji font being installed). */

export function LockIcon({ locked }: { locked: boolean }) {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.3">
      <rect x="2" y="5.5" width="8" height="5.5" rx="1" fill={locked ? 'currentColor' : 'none'} />
      <path d={locked ? 'M4 5.5V3.8a2 2 0 0 1 4 0v1.7' : 'M4 5.5V3.8a2 2 0 0 1 3.9-.6'} />
    </svg>
  );
}

export function EyeIcon({ open }: { open: boolean }) {
  return (
    <svg width="13" height="12" viewBox="0 0 13 12" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.2">
      <path d="M1 6c1.5-2.7 3.3-4 5.5-4S10.5 3.3 12 6c-1.5 2.7-3.3 4-5.5 4S2.5 8.7 1 6z" />
      {open ? <circle cx="6.5" cy="6" r="1.8" fill="currentColor" /> : <path d="M2 11L11 1" />}
    </svg>
  );
}
