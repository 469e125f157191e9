/**
 * Binds each contract method to the services. One set of handlers serves every door; the door only changes
 * what app.info reports and whether the native open dialog exists (the Electron door supplies its own
 * `dialog.pickPaths`; elsewhere it answers 'unsupported').
 */
import type { ApiHandlers, Door } from '../shared/contract.ts';
import { AppError } from '../shared/errors.ts';
import type { Services } from './services/index.ts';

export function createHandlers(services: Services, door: Door): ApiHandlers {
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
