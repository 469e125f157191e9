/**
 * Progress of a long command: a bar with rate and ETA on a terminal (stderr, redrawn in place), JSON lines on
 * stdout otherwise (one object per event, for job schedulers and log collectors). Callers pick with
 * `createProgress(process.stderr.isTTY && !json)`.
 */
import type { ExportProgress } from '../shared/export-types.ts';

export interface ProgressSink {
  update(p: ExportProgress): void;
  /** Ends the bar line (terminal) before other output. */
  finish(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(p: ExportProgress, width = 30): string {
  const frac = p.total > 0 ? p.done / p.total : 1;
  const filled = Math.round(frac * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  const rate = p.itemsPerMin === null ? '' : `  ${p.itemsPerMin.toFixed(p.itemsPerMin < 10 ? 1 : 0)} items/min`;
  const eta = p.type === 'done' ? `  done in ${formatDuration(p.elapsedS)}` : p.etaS === null ? '  ETA ?' : `  ETA ${formatDuration(p.etaS)}`;
  return `[${bar}] ${p.done}/${p.total} items${rate}${eta}`;
}

export function createProgress(tty: boolean, write: (s: string) => void = (s) => process.stderr.write(s), writeLine: (s: string) => void = (s) => process.stdout.write(s)): ProgressSink {
  if (tty) {
    let last = 0;
    let open = false;
    return {
      update(p) {
        const now = Date.now();
        if (p.type === 'item' && now - last < 100 && p.done < p.total) return; // at most 10 redraws a second
        last = now;
        write(`\r\x1b[2K${progressLine(p)}`);
        open = true;
      },
      finish() {
        if (open) write('\n');
        open = false;
      },
    };
  }
  return {
    update(p) {
      writeLine(`${JSON.stringify({ ...p, elapsedS: Math.round(p.elapsedS * 100) / 100, etaS: p.etaS === null ? null : Math.round(p.etaS * 10) / 10, itemsPerMin: p.itemsPerMin === null ? null : Math.round(p.itemsPerMin * 100) / 100 })}\n`);
    },
    finish() {},
  };
}
