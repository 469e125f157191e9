/** Grouping by study and series, sorting, frames/tags/thumbnails through the library, DICOMDIR and no-meta files. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DicomLibrary } from '../../../src/main/services/dicom/index.ts';
import { sharedFile } from '../../support/shared-data.ts';

const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const SRC = join(PYDICOM, 'MR_small.dcm');
const ECHO = sharedFile('octave-dicom/US-PAL-8-10x-echo.dcm');
const PYTHON = '/usr/bin/python3';
const available = existsSync(SRC) && existsSync(ECHO) && existsSync(PYTHON);
if (!available) console.warn('library.test: skipped: needs pydicom test files, ../shared/data and /usr/bin/python3');

const dir = mkdtempSync(join(tmpdir(), 'cs-lib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!available)(`DicomLibrary ${available ? '' : '(skipped: data or pydicom missing)'}`, () => {
  it('groups by study and series, sorted by SeriesNumber then InstanceNumber', async () => {
    // name, study, series uid, series number, instance number (written in a shuffled order)
    const specs = [
      ['a.dcm', '1.2.3.1', '1.2.3.1.2', 2, 3], ['b.dcm', '1.2.3.1', '1.2.3.1.1', 1, 2], ['c.dcm', '1.2.3.1', '1.2.3.1.2', 2, 1],
      ['d.dcm', '1.2.3.2', '1.2.3.2.9', 10, 1], ['e.dcm', '1.2.3.1', '1.2.3.1.1', 1, 1], ['f.dcm', '1.2.3.2', '1.2.3.2.8', 9, 5],
    ] as const;
    const script = `
import json, sys, pydicom
src, out = sys.argv[1], sys.argv[2]
for name, study, series, sn, inum in json.loads(sys.argv[3]):
    ds = pydicom.dcmread(src)
    ds.StudyInstanceUID = study; ds.SeriesInstanceUID = series; ds.SeriesNumber = sn; ds.InstanceNumber = inum
    ds.SOPInstanceUID = series + '.' + str(inum); ds.StudyDate = '2020010' + study[-1]
    ds.save_as(out + '/' + name)
`;
    execFileSync(PYTHON, ['-c', script, SRC, dir, JSON.stringify(specs)]);
    const lib = new DicomLibrary();
    const r = await lib.open([dir]);
    expect(r.errors).toEqual([]);
    const shape = r.studies.map((s) => [s.studyInstanceUid, s.series.map((se) => [se.seriesNumber, se.instances.map((i) => i.path.split('/').pop())])]);
    expect(shape).toEqual([
      ['1.2.3.1', [[1, ['e.dcm', 'b.dcm']], [2, ['c.dcm', 'a.dcm']]]],
      ['1.2.3.2', [[9, ['f.dcm']], [10, ['d.dcm']]]],
    ]);
    // Same path again: same ids, no duplicates.
    await lib.open([join(dir, 'a.dcm')]);
    expect(lib.list().studies.flatMap((s) => s.series.flatMap((se) => se.instances))).toHaveLength(6);
  });

  it('serves frames, tags and thumbnails of the palette echo', async () => {
    const lib = new DicomLibrary({ frameBytes: 2 * 430 * 600 * 3 }); // room for two frames: exercises eviction
    const r = await lib.open([ECHO]);
    const s = r.studies[0].series[0].instances[0];
    expect(lib.instance(s.id)).toBe(s);
    for (const n of [0, 1, 2, 9, 0]) {
      const f = await lib.frame(s.id, n);
      expect([f.kind, f.rows, f.columns, f.pixels.length, f.frame]).toEqual(['rgb', 430, 600, 430 * 600 * 3, n]);
    }
    await expect(lib.frame(s.id, 10)).rejects.toMatchObject({ kind: 'not-found' });
    await expect(lib.frame('nope', 0)).rejects.toMatchObject({ kind: 'not-found' });
    const tags = lib.tags(s.id);
    expect(tags.find((t) => t.tag === '(0018,1063)')).toMatchObject({ name: 'FrameTime', value: '76.000000' });
    expect(tags.find((t) => t.tag === '(7FE0,0010)')?.value).toMatch(/^<encapsulated/);
    const th = await lib.thumbnail(s.id, 64);
    expect([th.width, th.height, th.rgba.length]).toEqual([64, 46, 64 * 46 * 4]);
  });

  it('reads the files a DICOMDIR references', async () => {
    const lib = new DicomLibrary();
    const r = await lib.open([join(PYDICOM, 'dicomdirtests', 'TINY_ALPHA')]);
    expect(r.errors).toEqual([]);
    expect(r.studies.flatMap((s) => s.series.flatMap((se) => se.instances)).length).toBeGreaterThan(0);
  });

  it('opens raw data sets without meta header (explicit little and big endian)', async () => {
    const lib = new DicomLibrary();
    const r = await lib.open([join(PYDICOM, 'ExplVR_LitEndNoMeta.dcm'), join(PYDICOM, 'ExplVR_BigEndNoMeta.dcm')]);
    expect(r.errors).toEqual([]);
    const tsList = r.studies.flatMap((s) => s.series.flatMap((se) => se.instances.map((i) => i.transferSyntaxUid))).sort();
    expect(tsList).toEqual(['1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']);
  });

  it('decodes a deflated file', async () => {
    const lib = new DicomLibrary();
    const r = await lib.open([join(PYDICOM, 'image_dfl.dcm')]);
    expect(r.errors).toEqual([]);
    const s = r.studies[0].series[0].instances[0];
    expect(s.transferSyntaxUid).toBe('1.2.840.10008.1.2.1.99');
    const f = await lib.frame(s.id, 0);
    expect([f.rows, f.columns]).toEqual([s.rows, s.columns]);
  });
});
