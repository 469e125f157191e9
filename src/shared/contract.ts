/**
 * The API contract: written once, used by every door. Electron IPC (main + preload), the loopback `serve`
 * WebSocket and the CLI all derive their method lists, argument validation and result types from here.
 *
 * Adding a method: add its schema to `contract`, its result type to `ApiResults`, and its handler in
 * src/main/handlers.ts. The preload, the WebSocket client and the type of `window.api` follow by themselves.
 */
import { z } from 'zod';
import type { FramePixels, OpenResult, TagRow, Thumbnail } from './dicom-types.ts';

const instanceId = z.string().min(1).max(128);
const filePath = z.string().min(1).max(4096);

export const contract = {
  /** Version, which door the renderer is talking through, and what it can do there. */
  'app.info': { args: z.object({}).strict() },
  /** Opens files and folders (recursively; DICOMDIR honoured). Adds to the library; returns what this call
   * opened and the per-file errors. Never throws for a bad file: bad files land in `errors`. */
  'studies.open': { args: z.object({ paths: z.array(filePath).min(1).max(1000) }).strict() },
  /** Opens the embedded default study that ships in resources/. */
  'studies.openDefault': { args: z.object({}).strict() },
  /** Everything opened so far in this session, grouped by study and series, plus earlier errors. */
  'studies.list': { args: z.object({}).strict() },
  /** Desktop only: shows the native open dialog and returns the chosen paths ([] when cancelled). */
  'dialog.pickPaths': { args: z.object({ directories: z.boolean() }).strict() },
  /** Frame `frame` (0-based) of an opened instance, decoded for display. */
  'instance.frame': { args: z.object({ instanceId, frame: z.number().int().min(0).max(100_000) }).strict() },
  /** All attributes of an instance, sequences expanded, for the tag panel. Pixel data is summarised. */
  'instance.tags': { args: z.object({ instanceId }).strict() },
  /** A small RGBA rendering of the instance's first frame, for the series browser. */
  'instance.thumbnail': { args: z.object({ instanceId, size: z.number().int().min(16).max(512) }).strict() },
} as const;

export type Door = 'electron' | 'serve';

export interface AppInfo {
  name: string;
  version: string;
  door: Door;
  /** True where `dialog.pickPaths` works (the desktop app). */
  canPickPaths: boolean;
  /** The embedded default study, opened at first start. */
  defaultStudyPath: string;
}

export interface ApiResults {
  'app.info': AppInfo;
  'studies.open': OpenResult;
  'studies.openDefault': OpenResult;
  'studies.list': OpenResult;
  'dialog.pickPaths': { paths: string[] };
  'instance.frame': FramePixels;
  'instance.tags': TagRow[];
  'instance.thumbnail': Thumbnail;
}

export type Method = keyof typeof contract;
export const METHODS = Object.keys(contract) as Method[];
export type ApiArgs<M extends Method> = z.infer<(typeof contract)[M]['args']>;

/** What the renderer sees as `window.api`, whichever door it is behind. */
export type Api = { [M in Method]: (args: ApiArgs<M>) => Promise<ApiResults[M]> };

/** What main implements once; every door calls these. */
export type ApiHandlers = { [M in Method]: (args: ApiArgs<M>) => ApiResults[M] | Promise<ApiResults[M]> };

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** The IPC channel for a method (defined zod-free in channels.ts so the sandboxed preload can import it). */
export { channelOf, CHANNEL_PREFIX, METHOD_NAMES } from './channels.ts';
