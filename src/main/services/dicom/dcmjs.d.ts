/**
 * The part of dcmjs this service uses (dcmjs ships no typings): its standard data dictionary. Extend this when
 * DICOM export starts using dcmjs's writer.
 */
declare module 'dcmjs' {
  interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
    version: string;
  }
  const dcmjs: {
    data: {
      DicomMetaDictionary: {
        /** Keyed "(GGGG,EEEE)" (either hex case); repeating groups such as 60xx resolve too. */
        dictionary: Record<string, DictionaryEntry | undefined>;
      };
    };
  };
  export default dcmjs;
}
