/**
 * Deterministic UIDs under the 2.25 root (PS3.5 B.2: a UUID written as one decimal integer). Hashing the seed
 * and a role name gives stable, collision-free UIDs without registering an org root, and the same seed always
 * yields the same study, series and instance UIDs, so regenerating the default study changes nothing.
 */
import { createHash } from 'node:crypto';

export function derivedUid(seed: string, role: string): string {
  const digest = createHash('sha256').update(`cardiosynth:${seed}:${role}`).digest();
  const bytes = Buffer.from(digest.subarray(0, 16));
  // Shape the 128 bits as a version-4-style UUID (RFC 4122 variant) as 2.25 expects a UUID.
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString(10)}`;
}

/** Identifies the writer in the file meta information; fixed so every file we write names the same implementation. */
export const IMPLEMENTATION_CLASS_UID = derivedUid('implementation', 'cardiosynth-writer-1');
export const IMPLEMENTATION_VERSION_NAME = 'CARDIOSYNTH_01';
