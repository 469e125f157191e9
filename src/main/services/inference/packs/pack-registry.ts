/**
 * Where packs are found: resources/packs/* (embedded with the app), <dataDir>/packs/*, and folders the user
 * adds (each a pack itself or a folder of packs; remembered in <dataDir>/inference/pack-folders.json). Every
 * listing validates each pack (cheaply: ONNX headers, not sessions; hashes are cached), so a broken pack shows
 * with its error instead of failing later. The first pack with a given id@version wins; later ones are listed
 * as problems.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError, toErrorData } from '../../../../shared/errors.ts';
import type { PackListing, PackProblem, PackSource } from '../../../../shared/inference-types.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { loadPack, MANIFEST_FILE, type LoadedPack } from './load-pack.ts';

interface Root {
  dir: string;
  source: PackSource;
}

/** Looks like a diffusers pipeline folder (so a missing manifest is worth reporting). */
function looksLikePack(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE)) || existsSync(join(dir, 'model_index.json')) || existsSync(join(dir, 'unet', 'model.onnx'));
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Pack folders under a root: the root itself when it is a pack, else its sub-folders that look like packs. */
function packDirs(root: string): string[] {
  if (!isDir(root)) return [];
  if (looksLikePack(root)) return [root];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => join(root, e.name))
    .filter(looksLikePack)
    .sort();
}

export class PackRegistry {
  private readonly resourcesDir: string;
  private readonly dataDir: string;
  private readonly foldersFile: string;
  private readonly loaded = new Map<string, LoadedPack>();

  constructor(resourcesDir: string, dataDir: string) {
    this.resourcesDir = resourcesDir;
    this.dataDir = dataDir;
    this.foldersFile = join(dataDir, 'inference', 'pack-folders.json');
  }

  /** Folders the user added. */
  folders(): string[] {
    try {
      const v = JSON.parse(readFileSync(this.foldersFile, 'utf8')) as unknown;
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }

  private roots(): Root[] {
    return [
      { dir: join(this.resourcesDir, 'packs'), source: 'embedded' },
      { dir: join(this.dataDir, 'packs'), source: 'user-data' },
      ...this.folders().map((dir) => ({ dir, source: 'added' as const })),
    ];
  }

  async list(): Promise<PackListing> {
    const problems: PackProblem[] = [];
    const byKey = new Map<string, LoadedPack>();
    const seenDirs = new Set<string>();
    for (const root of this.roots()) {
      if (root.source === 'added' && !isDir(root.dir)) {
        problems.push({ dir: root.dir, source: root.source, message: `${root.dir}: this added folder no longer exists (remove it from the list, or put it back)` });
        continue;
      }
      for (const dir of packDirs(root.dir)) {
        const abs = resolve(dir);
        if (seenDirs.has(abs)) continue;
        seenDirs.add(abs);
        try {
          const pack = await loadPack(abs, root.source);
          const other = byKey.get(pack.summary.key);
          if (other) {
            problems.push({ dir: abs, source: root.source, message: `${abs}: ${pack.summary.key} is already provided by ${other.summary.dir}; this copy is ignored` });
            continue;
          }
          byKey.set(pack.summary.key, pack);
        } catch (e) {
          problems.push({ dir: abs, source: root.source, message: toErrorData(e).message });
        }
      }
    }
    this.loaded.clear();
    for (const [k, v] of byKey) this.loaded.set(k, v);
    const packs = [...byKey.values()].map((p) => p.summary);
    return {
      packs,
      defaultKey: (packs.find((p) => p.source === 'embedded') ?? packs[0])?.key ?? null,
      problems,
      folders: this.folders(),
      searched: this.roots().map((r) => r.dir),
    };
  }

  /** Adds a folder (a pack, or a folder of packs) to the list; refuses one that holds no pack. */
  async addFolder(path: string): Promise<PackListing> {
    const dir = resolve(path);
    if (!isDir(dir)) throw new AppError('not-found', `${dir}: no such folder`);
    if (packDirs(dir).length === 0) throw new AppError('invalid-pack', `${dir}: holds no model pack (a pack folder has ${MANIFEST_FILE} and the diffusers ONNX layout; see docs/model-pack.md)`);
    const folders = this.folders();
    if (!folders.includes(dir)) writeFileAtomic(this.foldersFile, JSON.stringify([...folders, dir], null, 2) + '\n');
    return this.list();
  }

  async removeFolder(path: string): Promise<PackListing> {
    const dir = resolve(path);
    writeFileAtomic(this.foldersFile, JSON.stringify(this.folders().filter((f) => f !== dir), null, 2) + '\n');
    return this.list();
  }

  /**
   * The pack a request names: `id@version`, a bare id (the highest version listed), or a pack folder's path
   * (loaded directly, listed or not). Validated afresh, so a pack changed on disk since listing is re-checked.
   */
  async resolve(ref: string): Promise<LoadedPack> {
    if (ref.includes('/') || ref.includes('\\') || isDir(ref)) {
      const dir = resolve(ref);
      if (!isDir(dir)) throw new AppError('not-found', `${dir}: no such pack folder`);
      return loadPack(dir, 'added');
    }
    if (this.loaded.size === 0) await this.list();
    let hit = this.loaded.get(ref);
    if (!hit) {
      const sameId = [...this.loaded.values()].filter((p) => p.summary.id === ref).sort((a, b) => b.summary.version.localeCompare(a.summary.version, undefined, { numeric: true }));
      hit = sameId[0];
    }
    if (!hit) {
      await this.list();
      hit = this.loaded.get(ref);
    }
    if (!hit) throw new AppError('not-found', `No model pack ${ref} (known: ${[...this.loaded.keys()].join(', ') || 'none'}; looked in ${this.roots().map((r) => r.dir).join(', ')})`);
    return loadPack(hit.summary.dir, hit.summary.source);
  }
}
