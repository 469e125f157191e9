/**
 * The app and DICOM study methods of the contract (see ../contract.ts for how the parts are joined).
 */
import { z } from 'zod';
import type { FramePixels, OpenResult, TagRow, Thumbnail } from '../dicom-types.ts';

export const instanceId = z.string().min(1).max(128);
export const filePath = z.string().min(1).max(4096);

export type Door = 'electron' | 'serve';

export interface AppInfo {
  name: string;
  version: string;
  door: Door;
  /** True where `dialog.pickPaths` works (the desktop app). */
  canPickPaths: boolean;
  /** The embedded DICOM default study: opened at start when there is no demo study to show (start.plan). */
  defaultStudyPath: string;
}

export const studyMethods = {
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

export interface StudyResults {
  'app.info': AppInfo;
  'studies.open': OpenResult;
  'studies.openDefault': OpenResult;
  'studies.list': OpenResult;
  'dialog.pickPaths': { paths: string[] };
  'instance.frame': FramePixels;
  'instance.tags': TagRow[];
  'instance.thumbnail': Thumbnail;
}
