/**
 * dicom-parser ships as a UMD bundle: under Node's ESM loader only its default export carries the functions
 * (a namespace import sees none of them), while its typings declare named exports. This module bridges the two
 * so the rest of the service imports typed functions from one place.
 */
import * as dicomParserNs from 'dicom-parser';

type DicomParserModule = typeof dicomParserNs;

export const dicomParser: DicomParserModule =
  (dicomParserNs as unknown as { default?: DicomParserModule }).default ?? dicomParserNs;

export type { DataSet, Element } from 'dicom-parser';
