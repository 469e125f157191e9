/**
 * A bounded LRU of loaded frames (by bytes) with a small pool of in-flight fetches, so cine playback reads
 * frames that are already decoded and drawable. Frames wanted soon are fetched in order of need.
 */
import { imageIdFor, type ViewerImage } from './frame-image.ts';

export type FrameLoad = (imageId: string) => Promise<ViewerImage>;

interface Entry {
  image: ViewerImage | null;
  promise: Promise<ViewerImage>;
  bytes: number;
  error: Error | null;
}

export class FrameCache {
  private readonly load: FrameLoad;
  private readonly budgetBytes: number;
  private readonly maxInFlight: number;
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private inFlight = 0;
  private queue: string[] = [];
  private generation = 0;
  /** Called when a queued fetch fails, so the viewer can show it. */
  onError: ((imageId: string, err: Error) => void) | null = null;

  constructor(load: FrameLoad, budgetBytes = 768 * 1024 * 1024, maxInFlight = 4) {
    this.load = load;
    this.budgetBytes = budgetBytes;
    this.maxInFlight = maxInFlight;
  }

  /** A loaded frame, or undefined when it is not (yet) here. Marks it recently used. */
  get(key: string, frame: number): ViewerImage | undefined {
    const id = imageIdFor(key, frame);
    const e = this.entries.get(id);
    if (!e || !e.image) return undefined;
    this.entries.delete(id);
    this.entries.set(id, e);
    return e.image;
  }

  has(key: string, frame: number): boolean {
    return !!this.entries.get(imageIdFor(key, frame))?.image;
  }

  /** Loads a frame now (ahead of anything queued). */
  request(key: string, frame: number): Promise<ViewerImage> {
    const id = imageIdFor(key, frame);
    const e = this.entries.get(id);
    if (e) {
      if (e.error) return Promise.reject(e.error);
      return e.promise;
    }
    return this.start(id);
  }

  /** Replaces the prefetch queue with these frames, in order of need; frames already held are skipped. */
  prefetch(key: string, frames: number[]): void {
    this.queue = frames.map((f) => imageIdFor(key, f)).filter((id) => !this.entries.has(id));
    this.pump();
  }

  /** Drops everything (another image was opened); in-flight fetches finish but are not kept. */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.queue = [];
    this.bytes = 0;
  }

  /** Bytes that the cache may spend per frame when deciding how far ahead to prefetch. */
  get budget(): number {
    return this.budgetBytes;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const id = this.queue.shift()!;
      if (!this.entries.has(id)) this.start(id).catch(() => undefined);
    }
  }

  private start(id: string): Promise<ViewerImage> {
    const gen = this.generation;
    this.inFlight++;
    const promise = this.load(id).then(
      (image) => {
        this.inFlight--;
        const e = this.entries.get(id);
        if (gen === this.generation && e) {
          e.image = image;
          e.bytes = image.sizeInBytes;
          this.bytes += e.bytes;
          this.evict(id);
        }
        this.pump();
        return image;
      },
      (err: unknown) => {
        this.inFlight--;
        const error = err instanceof Error ? err : new Error(String(err));
        const e = this.entries.get(id);
        if (gen === this.generation && e) e.error = error;
        this.onError?.(id, error);
        this.pump();
        throw error;
      },
    );
    this.entries.set(id, { image: null, promise, bytes: 0, error: null });
    return promise;
  }

  /** Evicts least recently used frames until within budget, never the one just added. */
  private evict(keep: string): void {
    for (const [id, e] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      if (id === keep || !e.image) continue;
      this.entries.delete(id);
      this.bytes -= e.bytes;
    }
  }
}
