/**
 * Which image a label map belongs to. A tagged union so other sources can be added without changing how maps
 * are stored: an opened DICOM file (its absolute path), or a study of the dataset catalog (its stable study id,
 * e.g. `camus:patient0001:4CH`, which survives re-importing the dataset from another folder). The frame is a
 * separate argument everywhere.
 */
export type ImageKey = { kind: 'dicom-file'; path: string } | { kind: 'catalog-study'; study: string };

/** The key as one string, for storage and maps: `dicom-file:/abs/path.dcm`, `catalog-study:camus:patient0001:4CH`. */
export function imageKeyId(key: ImageKey): string {
  switch (key.kind) {
    case 'dicom-file':
      return `dicom-file:${key.path}`;
    case 'catalog-study':
      return `catalog-study:${key.study}`;
  }
}

/** Inverse of {@link imageKeyId}; null for an id this version does not know. */
export function parseImageKeyId(id: string): ImageKey | null {
  if (id.startsWith('dicom-file:')) return { kind: 'dicom-file', path: id.slice('dicom-file:'.length) };
  if (id.startsWith('catalog-study:') && id.length > 'catalog-study:'.length) return { kind: 'catalog-study', study: id.slice('catalog-study:'.length) };
  return null;
}

/** A short name for lists: the file name, or the study id (which names dataset, patient and view). */
export function imageKeyTitle(key: ImageKey): string {
  switch (key.kind) {
    case 'dicom-file':
      return key.path.split(/[\\/]/).pop() || key.path;
    case 'catalog-study':
      return key.study;
  }
}

/** Whether two keys name the same image. */
export function sameImageKey(a: ImageKey | null | undefined, b: ImageKey | null | undefined): boolean {
  return !!a && !!b && imageKeyId(a) === imageKeyId(b);
}
