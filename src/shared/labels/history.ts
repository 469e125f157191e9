/**
 * Undo/redo for label maps, as excalidraw's history: entries hold inverse deltas, not snapshots. One entry is
 * one user action (a stroke, a fill, a copy to a range of frames) and may touch several frames. The undo stack
 * is bounded by entries and by bytes; the oldest entries go first. A new edit clears the redo stack.
 */
import { deltaBytes, type PixelDelta } from './pixel-delta.ts';

export interface FrameDelta {
  frame: number;
  delta: PixelDelta;
}

export interface HistoryEntry {
  /** What the user did, for the undo/redo buttons' titles ("Brush", "Fill", "Copy to frames 3–9"). */
  label: string;
  changes: FrameDelta[];
  bytes: number;
}

export interface HistoryLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxEntries: 200, maxBytes: 128 * 1024 * 1024 };

export function makeEntry(label: string, changes: FrameDelta[]): HistoryEntry {
  return { label, changes, bytes: changes.reduce((n, c) => n + deltaBytes(c.delta) + 64, 64) };
}

export class LabelHistory {
  private undoStack: HistoryEntry[] = [];
  private redoStack: HistoryEntry[] = [];
  private undoBytes = 0;
  private redoBytes = 0;

  readonly limits: HistoryLimits;

  constructor(limits: HistoryLimits = DEFAULT_HISTORY_LIMITS) {
    this.limits = limits;
  }

  push(entry: HistoryEntry): void {
    this.undoStack.push(entry);
    this.undoBytes += entry.bytes;
    this.redoStack = [];
    this.redoBytes = 0;
    // Keep at least the newest entry, however large, so the last action can always be undone.
    while (this.undoStack.length > 1 && (this.undoStack.length > this.limits.maxEntries || this.undoBytes > this.limits.maxBytes)) {
      this.undoBytes -= this.undoStack.shift()!.bytes;
    }
  }

  /** Moves the newest entry to the redo stack and returns it; the caller applies its `before` side. */
  undo(): HistoryEntry | null {
    const e = this.undoStack.pop();
    if (!e) return null;
    this.undoBytes -= e.bytes;
    this.redoStack.push(e);
    this.redoBytes += e.bytes;
    return e;
  }

  /** Moves the newest undone entry back and returns it; the caller applies its `after` side. */
  redo(): HistoryEntry | null {
    const e = this.redoStack.pop();
    if (!e) return null;
    this.redoBytes -= e.bytes;
    this.undoStack.push(e);
    this.undoBytes += e.bytes;
    return e;
  }

  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
    this.undoBytes = 0;
    this.redoBytes = 0;
  }

  get undoCount(): number {
    return this.undoStack.length;
  }

  get redoCount(): number {
    return this.redoStack.length;
  }

  get bytes(): number {
    return this.undoBytes + this.redoBytes;
  }

  /** Label of the entry undo would revert, or null. */
  nextUndo(): string | null {
    return this.undoStack.at(-1)?.label ?? null;
  }

  nextRedo(): string | null {
    return this.redoStack.at(-1)?.label ?? null;
  }
}
