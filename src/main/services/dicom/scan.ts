/**
 * Expands the paths a user opened into the files to parse.
 *  - Folders are walked recursively; symlinks are followed, and every folder is entered at most once by its
 *    real path, so symlink loops terminate. A symlink that cannot be resolved (dangling, or a loop of links
 *    pointing at each other) is reported.
 *  - A DICOMDIR in a folder is read and the files its records reference (ReferencedFileID) are used, plus
 *    anything else found there; the DICOMDIR itself is not an image and is not listed.
 *  - Inside folders, a file that is not DICOM by content (no DICM magic and not a plausible raw data set) is
 *    skipped only when its name says it is something else we know (a README, a CSV, NIfTI, MetaImage, video,
 *    images; see NON_DICOM_EXTENSIONS) or it is hidden. Any other such file (a zero-byte `IM0001`, a garbled
 *    `.dcm`, a file with no extension as DICOM exports name them) goes to the parser, which reports it, so a
 *    broken file in a study folder is never dropped silently. Paths named explicitly are always parsed.
 *  - Unreadable folders and non-regular files (FIFOs, sockets, devices) become LoadErrors.
 */
import { closeSync, constants as fsConstants, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { toErrorData } from '../../../shared/errors.ts';
import type { LoadError } from '../../../shared/dicom-types.ts';
import { readDicomFile } from './parse-file.ts';
import { sniffDicom } from './sniff.ts';

/** Beyond this many files one open() stops collecting and says so. */
export const MAX_SCAN_FILES = 50_000;
const SNIFF_BYTES = 4096;
const YIELD_EVERY = 64;

export interface ScanResult {
  /** Absolute paths to parse, in a stable order, each real file once. */
  files: string[];
  errors: LoadError[];
  /** Files inside folders that were not DICOM by content. */
  skipped: string[];
}

function fsLoadError(path: string, err: unknown, what: string): LoadError {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return { path, code: 'not-found', message: `${path}: ${what}: does not exist (dangling symlink?)` };
  if (code === 'ELOOP') return { path, code: 'unreadable', message: `${path}: ${what}: symlink loop` };
  if (code === 'EACCES' || code === 'EPERM') return { path, code: 'unreadable', message: `${path}: ${what}: permission denied` };
  const data = toErrorData(err);
  return { path, code: 'unreadable', message: `${path}: ${what}: ${data.message}` };
}

/** Reads the first bytes and says whether they look like DICOM (Part 10 or raw data set). */
export async function looksLikeDicom(path: string): Promise<boolean> {
  // One small synchronous read: cheaper than three awaited fs calls for each of thousands of files.
  const fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const bytesRead = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return sniffDicom(buf.subarray(0, bytesRead)) !== null;
  } finally {
    closeSync(fd);
  }
}

/** Files of other formats that live beside DICOM in datasets; not reported when they are not DICOM. */
const NON_DICOM_EXTENSIONS = new Set([
  'txt', 'md', 'csv', 'tsv', 'json', 'cfg', 'ini', 'xml', 'html', 'htm', 'pdf', 'log', 'yaml', 'yml',
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'tif', 'tiff', 'webp', 'svg',
  'avi', 'mp4', 'mov', 'mkv', 'webm', 'wmv',
  'nii', 'gz', 'mhd', 'mha', 'raw', 'nrrd', 'npy', 'npz', 'h5', 'hdf5', 'mat',
  'zip', 'tar', 'tgz', 'bz2', 'xz', '7z', 'py', 'js', 'ts', 'sh',
]);

/** Extensionless documents that media and datasets carry (DICOM media often have a README). */
const NON_DICOM_NAMES = new Set(['readme', 'license', 'licence', 'copying', 'notice', 'changelog', 'authors', 'makefile']);

/** True when a non-DICOM file inside a folder is expected there and should be skipped quietly. */
export function isExpectedNonDicom(name: string): boolean {
  if (name.startsWith('.') || NON_DICOM_NAMES.has(name.toLowerCase())) return true;
  const dot = name.lastIndexOf('.');
  return dot > 0 && NON_DICOM_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

function isDicomdirName(name: string): boolean {
  return name.toUpperCase() === 'DICOMDIR';
}

/** Finds `parts` under `dir`, matching each component case-insensitively when the exact name is absent
 * (File IDs are upper case; media copied to Linux are often lower case). */
async function resolveFileId(dir: string, parts: string[]): Promise<string> {
  let current = dir;
  for (const part of parts) {
    const exact = join(current, part);
    try {
      await lstat(exact);
      current = exact;
      continue;
    } catch {
      // fall through to a case-insensitive match
    }
    let names: string[] = [];
    try {
      names = await readdir(current);
    } catch {
      return exact;
    }
    const match = names.find((n) => n.toUpperCase() === part.toUpperCase());
    current = join(current, match ?? part);
  }
  return current;
}

/** Files referenced by a DICOMDIR's directory records. */
export async function dicomdirReferences(dicomdirPath: string): Promise<{ files: string[]; errors: LoadError[] }> {
  const errors: LoadError[] = [];
  const files: string[] = [];
  let parsed;
  try {
    parsed = await readDicomFile(dicomdirPath);
  } catch (err) {
    const data = toErrorData(err);
    return { files, errors: [{ path: dicomdirPath, code: data.kind, message: data.message }] };
  }
  const records = parsed.dataSet.elements.x00041220?.items ?? [];
  const base = dirname(dicomdirPath);
  for (const item of records) {
    const fileId = item.dataSet?.string('x00041500');
    if (!fileId) continue;
    const parts = fileId.split('\\').map((p) => p.trim()).filter((p) => p && p !== '.' && p !== '..');
    if (parts.length === 0) continue;
    const path = await resolveFileId(base, parts);
    try {
      await stat(path);
      files.push(path);
    } catch (err) {
      const e = fsLoadError(path, err, `referenced by ${dicomdirPath} (ReferencedFileID ${fileId})`);
      errors.push(e);
    }
  }
  return { files, errors };
}

export async function expandPaths(paths: string[]): Promise<ScanResult> {
  const result: ScanResult = { files: [], errors: [], skipped: [] };
  const seenFiles = new Set<string>(); // real paths of files already listed
  const seenDirs = new Set<string>(); // real paths of folders already walked
  let full = false;

  // Per-file fs calls are synchronous (each is a few microseconds; awaiting them cost ~10x more in a folder of
  // thousands), and the walk yields to the event loop every YIELD_EVERY files so a large folder never stalls
  // the main process for long.
  let sinceYield = 0;
  const maybeYield = async (): Promise<void> => {
    if (++sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      await new Promise<void>((r) => setImmediate(r));
    }
  };

  const addFile = async (path: string): Promise<void> => {
    if (full) return;
    await maybeYield();
    let real: string;
    try {
      real = realpathSync.native(path);
    } catch (err) {
      result.errors.push(fsLoadError(path, err, 'cannot resolve'));
      return;
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    if (result.files.length >= MAX_SCAN_FILES) {
      full = true;
      result.errors.push({ path, code: 'unsupported', message: `${path}: more than ${MAX_SCAN_FILES} files in one open; the rest were not read` });
      return;
    }
    result.files.push(path);
  };

  const walk = async (dir: string): Promise<void> => {
    let real: string;
    try {
      real = await realpath(dir);
    } catch (err) {
      result.errors.push(fsLoadError(dir, err, 'cannot resolve folder'));
      return;
    }
    if (seenDirs.has(real)) return; // a symlink back into a folder we are in or have walked
    seenDirs.add(real);
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (err) {
      result.errors.push(fsLoadError(dir, err, 'cannot list folder'));
      return;
    }
    const dicomdir = names.find(isDicomdirName);
    if (dicomdir) {
      const refs = await dicomdirReferences(join(dir, dicomdir));
      result.errors.push(...refs.errors);
      for (const f of refs.files) await addFile(f);
    }
    for (const name of names) {
      if (full) return;
      const path = join(dir, name);
      if (isDicomdirName(name)) continue;
      let st;
      try {
        st = statSync(path); // follows symlinks; ELOOP/ENOENT for bad links
      } catch (err) {
        result.errors.push(fsLoadError(path, err, 'cannot read'));
        continue;
      }
      if (st.isDirectory()) {
        await walk(path);
      } else if (st.isFile()) {
        let dicom = false;
        if (st.size > 0) {
          try {
            dicom = await looksLikeDicom(path);
          } catch (err) {
            result.errors.push(fsLoadError(path, err, 'cannot read'));
            continue;
          }
        }
        if (dicom || !isExpectedNonDicom(name)) await addFile(path); // the parser reports what is wrong
        else result.skipped.push(path);
      } else {
        result.errors.push({ path, code: 'unreadable', message: `${path}: is not a regular file (FIFO, socket or device)` });
      }
    }
  };

  for (const input of paths) {
    const path = resolve(input);
    let st;
    try {
      st = statSync(path);
    } catch (err) {
      let linkNote = '';
      try {
        if ((await lstat(path)).isSymbolicLink()) linkNote = ' (a symlink whose target cannot be reached)';
      } catch {
        // the path itself is missing
      }
      const e = fsLoadError(path, err, 'cannot open');
      result.errors.push({ ...e, message: e.message + linkNote });
      continue;
    }
    if (st.isDirectory()) {
      await walk(path);
    } else if (isDicomdirName(basename(path))) {
      const refs = await dicomdirReferences(path);
      result.errors.push(...refs.errors);
      for (const f of refs.files) await addFile(f);
    } else {
      await addFile(path); // files named explicitly are always parsed (and reported if bad)
    }
  }
  return result;
}
