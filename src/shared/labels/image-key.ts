/**
 * Which image a label map belongs to. A tagged union so other sources can be added without changing how maps
 * are stored: today an opened DICOM file (its absolute path; the frame is a separate argument everywhere);
 * the dataset catalog will add `{ kind: 'catalog-study', study }` with its stable study id.
 */
export type ImageKey = { kind: 'dicom-file'; path: string };

/** The key as one string, for storage and maps: `dicom-file:/abs/path.dcm`. */
export function imageKeyId(key: ImageKey): string {
  switch (key.kind) {
    case 'dicom-file':
      return `dicom-file:${key.path}`;
  }
}

/** Inverse of {@link imageKeyId}; null for an id this version does not know. */
export function parseImageKeyId(id: string): ImageKey | null {
  if (id.startsWith('dicom-file:')) return { kind: 'dicom-file', path: id.slice('dicom-file:'.length) };
  return null;
}

/** A short name for lists: the file name. */
export function imageKeyTitle(key: ImageKey): string {
  switch (key.kind) {
    case 'dicom-file':
      return key.path.split(/[\\/]/).pop() || key.path;
  }
}
