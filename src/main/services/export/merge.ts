/**
 * `export merge DIR...`: joins the shards of one export. Shards may have written into one shared folder (give
 * it once) or each into its own (give them all; the first, or `out`, receives the others' files). Every
 * shard must belong to the same plan (fingerprint) and together cover every item; each journaled file is
 * checked (size, and sha256 where it is copied) before the index files are derived from the union of the
 * journals: the same manifests and split lists a single unsharded run writes.
 */
import { copyFileSync, existsSync, linkSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { ExportIo } from './export-io.ts';
import { ioError, nodeIo, writeWhole } from './export-io.ts';
import type { JournalRecord, PlanFile } from './journal.ts';
import { allRecords, journalName, readPlanFile, recordIntact, STATE_DIR } from './journal.ts';
import { isFreshOutput } from './output-guard.ts';
import { writeIndex } from './runner.ts';

export interface MergeOptions {
  /** The folder that receives everything; default the first DIR. */
  out?: string;
  softwareVersion: string;
  io?: ExportIo;
}

export interface MergeSummary {
  out: string;
  items: number;
  /** Files brought in from other shard folders (hard links where the file system allows, else copies). */
  linked: number;
  copied: number;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function mergeExports(dirs: string[], opts: MergeOptions): MergeSummary {
  if (dirs.length === 0) throw new AppError('invalid-argument', 'give the export folders to merge');
  const io = opts.io ?? nodeIo;
  const folders = [...new Set(dirs.map((d) => resolve(d)))];
  const plans: PlanFile[] = folders.map((d) => {
    const p = readPlanFile(d);
    if (!p) throw new AppError('not-found', `${d}: holds no Cardiosynth export (no ${STATE_DIR}/plan.json)`);
    return p;
  });
  const plan = plans[0];
  plans.forEach((p, i) => {
    if (p.fingerprint !== plan.fingerprint) {
      throw new AppError('conflict', `${folders[i]}: belongs to another export than ${folders[0]} (a different recipe, sources or pseudonym key)`);
    }
  });
  const out = resolve(opts.out ?? folders[0]);
  if (!folders.includes(out)) {
    const there = readPlanFile(out);
    if (there ? there.fingerprint !== plan.fingerprint : !isFreshOutput(out)) {
      throw new AppError('conflict', `${out}: is not empty and is not part of this export; merge into an empty folder or one of the shards`);
    }
  }

  // The union of the journals; an item two shards both wrote must be the same bytes.
  const byIndex = new Map<number, { record: JournalRecord; dir: string }>();
  for (const dir of folders) {
    for (const r of allRecords(dir)) {
      if (!recordIntact(dir, r, false)) throw new AppError('conflict', `${dir}: item ${r.id} is journaled but its files are missing or changed; run that shard again with --resume`);
      const seen = byIndex.get(r.index);
      if (seen && JSON.stringify(seen.record.files) !== JSON.stringify(r.files)) {
        throw new AppError('conflict', `item ${r.id}: ${seen.dir} and ${dir} hold different files for it`);
      }
      if (!seen) byIndex.set(r.index, { record: r, dir });
    }
  }
  const missing: number[] = [];
  for (let i = 0; i < plan.total; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0) {
    throw new AppError('conflict', `the shards hold ${byIndex.size} of the export's ${plan.total} items; ${missing.length} are missing (plan positions ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}). Run or --resume the shards that did not finish, then merge again.`);
  }

  // Bring every file into `out`.
  let linked = 0;
  let copied = 0;
  const staging = join(out, STATE_DIR, 'staging-merge');
  try {
    io.mkdir(join(out, STATE_DIR));
    io.remove(staging);
    for (const { record, dir } of byIndex.values()) {
      if (dir === out) continue;
      for (const f of record.files) {
        const target = join(out, f.path);
        if (existsSync(target) && statSync(target).size === f.bytes && sha256(target) === f.sha256) continue;
        io.mkdir(dirname(target));
        const tmp = join(staging, `${f.sha256}.partial`);
        io.mkdir(staging);
        try {
          linkSync(join(dir, f.path), tmp);
          linked++;
        } catch {
          copyFileSync(join(dir, f.path), tmp);
          if (sha256(tmp) !== f.sha256) throw new AppError('io', `${target}: the copy differs from ${join(dir, f.path)}`);
          copied++;
        }
        io.rename(tmp, target);
      }
    }
    const records = [...byIndex.values()].map((v) => v.record).sort((a, b) => a.index - b.index);
    if (!existsSync(join(out, STATE_DIR, 'plan.json'))) writeWhole(io, staging, join(out, STATE_DIR, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
    // One journal for the whole export, so the merged folder resumes and merges like a single run's.
    if (folders.length > 1 || !folders.includes(out)) {
      writeWhole(io, staging, join(out, STATE_DIR, journalName(1, 1)), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
    writeIndex(out, plan, records, opts.softwareVersion, io, staging);
    io.remove(staging);
    return { out, items: records.length, linked, copied };
  } catch (err) {
    try {
      io.remove(staging);
    } catch {
      // nothing more to do
    }
    throw ioError(out, err);
  }
}
