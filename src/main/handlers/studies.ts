/**
 * The app and DICOM study methods. The door only changes what app.info reports and whether the native open
 * dialog exists (the Electron door supplies its own `dialog.pickPaths`; elsewhere it answers 'unsupported').
 */
import type { Door, HandlersFor } from '../../shared/contract.ts';
import type { StudyResults } from '../../shared/contract/studies.ts';
import { AppError } from '../../shared/errors.ts';
import type { Services } from '../services/index.ts';

export function studyHandlers(services: Services, door: Door): HandlersFor<keyof StudyResults> {
  const { dicom, info } = services;
  return {
    'app.info': () => ({
      name: info.name,
      version: info.version,
      door,
      canPickPaths: door === 'electron',
      defaultStudyPath: info.defaultStudyPath,
    }),
    'studies.open': ({ paths }) => dicom.open(paths),
    'studies.openDefault': () => dicom.open([info.defaultStudyPath]),
    'studies.list': () => dicom.list(),
    'dialog.pickPaths': () => {
      throw new AppError('unsupported', `dialog.pickPaths: there is no native file dialog in the ${door} door; type or paste a path instead.`);
    },
    'instance.frame': ({ instanceId, frame }) => dicom.frame(instanceId, frame),
    'instance.tags': ({ instanceId }) => dicom.tags(instanceId),
    'instance.thumbnail': ({ instanceId, size }) => dicom.thumbnail(instanceId, size),
  };
}
