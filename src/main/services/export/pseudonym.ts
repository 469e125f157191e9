/**
 * Keyed pseudonyms for everything an export names: patients, source studies, DICOM UIDs. An HMAC-SHA256 under
 * a secret key kept in the user's data folder, so that:
 *   - the same patient gets the same pseudonym in every export from this workstation (results can be joined
 *     back by whoever holds the key: the researcher), and shards of one job agree;
 *   - nobody without the key can confirm a guess (a plain hash of a short patient id could be brute-forced);
 *   - nothing in an export (ids, UIDs, file names) is a function of identifying data alone.
 * A cluster job shares the key by pointing CARDIOSYNTH_PSEUDONYM_KEY (or --pseudonym-key) at a copy.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { derivedUid } from '../default-study/uids.ts';
import { partialPathFor } from '../files/atomic-write.ts';

const KEY_HEX = /^[0-9a-f]{64}$/;

export function defaultKeyPath(dataDir: string): string {
  return join(dataDir, 'export', 'pseudonym-key');
}

/**
 * Reads the key at `path`, creating it (32 random bytes, hex, mode 0600) when absent. Creation is a link of a
 * complete temporary file, which fails if another process created the key first; then that key is read.
 */
export function loadOrCreateKey(path: string): Buffer {
  const read = (): Buffer | null => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new AppError('unreadable', `${path}: cannot read the pseudonym key: ${(err as Error).message}`);
    }
    if (!KEY_HEX.test(text)) throw new AppError('malformed', `${path}: the pseudonym key must be 64 hexadecimal digits`);
    return Buffer.from(text, 'hex');
  };
  const existing = read();
  if (existing) return existing;
  const tmp = partialPathFor(path);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('io', `${path}: cannot create the pseudonym key: ${(err as Error).message}`);
  } finally {
    rmSync(tmp, { force: true });
  }
  const created = read();
  if (!created) throw new AppError('io', `${path}: the pseudonym key vanished after it was created`);
  return created;
}

export class Pseudonymizer {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 16) throw new AppError('invalid-argument', 'pseudonym key is shorter than 128 bits');
    this.key = key;
  }

  /** Hex HMAC of a domain-separated value. */
  digest(domain: string, value: string): string {
    return createHmac('sha256', this.key).update(`${domain}\u0000${value}`).digest('hex');
  }

  /** `P` + 10 hex digits (40 bits: collisions are negligible below a million patients). */
  patient(stableKey: string): string {
    return `P${this.digest('patient', stableKey).slice(0, 10)}`;
  }

  /** `S` + 12 hex digits. */
  source(stableKey: string): string {
    return `S${this.digest('source', stableKey).slice(0, 12)}`;
  }

  /** A DICOM UID under 2.25 for `role` of the object named by `stableKey`. */
  uid(stableKey: string, role: string): string {
    return derivedUid(this.digest('uid', stableKey), role);
  }
}
