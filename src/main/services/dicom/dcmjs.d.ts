/**
 * The part of dcmjs this project uses (dcmjs ships no typings): its standard data dictionary (tag names in the
 * tag panel) and its Part 10 writer (export/dicom-writer.ts), which takes a "naturalized" data set (keywords
 * as keys, `_vrMap` for elements whose VR the dictionary leaves open, such as PixelData OB/OW).
 */
declare module 'dcmjs' {
  interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
    version: string;
  }
  /** A data set keyed by DICOM keyword; sequences are arrays of data sets. */
  type NaturalizedDataset = Record<string, unknown>;
  /** The tag-keyed form dcmjs writes: { "00100010": { vr: "PN", Value: [...] } }. */
  type DenaturalizedDataset = Record<string, { vr: string; Value?: unknown[] }>;
  interface DicomDict {
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    /** The Part 10 file (preamble, DICM, meta group, data set) in the meta's transfer syntax. */
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomDict: new (meta: DenaturalizedDataset) => DicomDict;
      DicomMetaDictionary: {
        /** Keyed "(GGGG,EEEE)" (either hex case); repeating groups such as 60xx resolve too. */
        dictionary: Record<string, DictionaryEntry | undefined>;
        denaturalizeDataset(dataset: NaturalizedDataset): DenaturalizedDataset;
      };
    };
  };
  export default dcmjs;
}
