/**
 * EchoNet-Dynamic: MJPEG AVIs made by ffmpeg (112x112, yuvj420p, 50 and 32 fps) with FileList/VolumeTracings
 * rows including a missing field, an unknown file, a missing video and a corrupt AVI.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset, inspectDatasetPaths, openSequence, readAviInfo, tracingMask } from '../../../src/main/services/datasets/index.ts';
import { rint } from '../../../src/main/services/datasets/echonet-tracings.ts';
import { buildEchonetTree, SIZE } from '../../fixtures/datasets/echonet-tree.ts';

const hasFfmpeg = (() => { try { execFileSync('ffprobe', ['-version']); execFileSync('ffmpeg', ['-version']); return true; } catch { return false; } })();
if (!hasFfmpeg) console.warn('echonet.test: video cases skipped: ffmpeg/ffprobe are missing (apt-get install ffmpeg)');

const dir = mkdtempSync(join(tmpdir(), 'cs-ds-echonet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EchoNet tracing masks (echo.py + skimage.draw.polygon)', () => {
  it('rounds half to even like numpy.rint', () => {
    expect([0.5, 1.5, 2.5, -0.5, 40.5, 70.5, 2.4, 2.6].map(rint)).toEqual([0, 2, 2, 0, 40, 70, 2, 3]);
  });
  it('fills the polygon of chord ends, boundary included, without the long axis', () => {
    const lines: Array<[number, number, number, number]> = [[55, 0, 55, 100]];
    for (let k = 0; k < 20; k++) lines.push([50, 30 + 2 * k, 60, 30 + 2 * k]);
    const m = tracingMask(lines, SIZE, SIZE);
    let area = 0;
    for (let r = 0; r < SIZE; r++) for (let c = 0; c < SIZE; c++) {
      area += m[r * SIZE + c];
      expect(m[r * SIZE + c], `${r},${c}`).toBe(r >= 30 && r <= 68 && c >= 50 && c <= 60 ? 1 : 0);
    }
    expect(area).toBe(11 * 39);
    // A triangle (apex at the top): row 10 holds the apex only, row 12 columns 9..11 (edges included).
    const tri: Array<[number, number, number, number]> = [[0, 0, 0, 0], [10, 10, 10, 10], [8, 14, 12, 14]];
    const t = tracingMask(tri, 20, 20);
    const rowsOf = (r: number): number[] => [...Array(20).keys()].filter((c) => t[r * 20 + c]);
    expect([rowsOf(10), rowsOf(12), rowsOf(14)]).toEqual([[10], [9, 10, 11], [8, 9, 10, 11, 12]]);
  });
});

describe.skipIf(!hasFfmpeg)(`EchoNet-Dynamic tree${hasFfmpeg ? '' : ' (skipped: no ffmpeg)'}`, () => {
  const tree = hasFfmpeg ? buildEchonetTree(join(dir, 'EchoNet-Dynamic')) : { root: '', frames: {} as Record<string, Uint8Array[]> };
  const root = tree.root;

  it('reads the AVI container as ffprobe does', async () => {
    for (const name of ['0XAAAA', '0XBBBB']) {
      const p = join(root, 'Videos', `${name}.avi`);
      const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=width,height,r_frame_rate,nb_read_frames,codec_tag_string,pix_fmt', '-of', 'json', p], { encoding: 'utf8' })).streams[0];
      const info = await readAviInfo(p);
      const [num, den] = probe.r_frame_rate.split('/').map(Number);
      expect([info.width, info.height, info.frames, info.codec, probe.pix_fmt]).toEqual([probe.width, probe.height, Number(probe.nb_read_frames), probe.codec_tag_string, 'yuvj420p']);
      expect(info.frameRateHz).toBeCloseTo(num / den, 6);
    }
  });

  it('imports videos with FileList fields, ED/ES from the tracings, and reports bad rows and files', async () => {
    const r = await importDataset(join(root, 'Videos'));
    expect(r.layout).toBe('echonet-dynamic');
    expect(r.studies.map((s) => s.id)).toEqual(['echonet:0XAAAA', 'echonet:0XBBBB']);
    const [a, b] = r.studies;
    expect(a).toMatchObject({ format: 'echonet', view: 'A4C', patient: '0XAAAA', frames: 6, rows: 112, columns: 112, frameRateHz: 50, frameRateSource: 'avi-header', esFrame: 4, edFrame: 1, ef: 55.5, esv: 30.1, edv: 67.6, split: 'train', labelValues: [0, 1], warnings: [] });
    expect(a.tracings!.map((t) => [t.frame, t.lines.length, t.maskArea])).toEqual([[4, 21, 11 * 39], [1, 21, 31 * 58]]);
    expect([b.frameRateHz, b.split, b.esFrame, b.edFrame]).toEqual([32, 'test', 0, 3]);
    const tracings = join(root, 'VolumeTracings.csv');
    const fileList = join(root, 'FileList.csv');
    expect(b.warnings.map((w) => w.message)).toEqual([`${tracings}: 0XBBBB.avi frame 3 has 20 rows, expected 21 (long axis + 20 chords)`]);
    const msgs = r.errors.map((e) => e.message);
    expect(msgs).toEqual(expect.arrayContaining([
      `${fileList}: line 4 (0XMISSINGFIELD): missing EF; row skipped`,
      `${tracings}: line 85 (0XBBBB): missing X2; row skipped`,
      `${tracings}: line 86: 0XUNKNOWN.avi is not listed in FileList.csv (21 tracing rows ignored)`,
      `${join(root, 'Videos', '0XNOVIDEO.avi')}: missing: listed in ${fileList} line 6`,
    ]));
    expect(msgs.some((m) => m.startsWith(`${join(root, 'Videos', '0XCORRUPT.avi')}: not a readable AVI`))).toBe(true);
  });

  it('decodes an AVI to grey frames close to the encoded source, at the container rate', async () => {
    const s = await openSequence(join(root, 'Videos', '0XBBBB.avi'));
    expect(s.summary).toMatchObject({ frames: 4, rows: 112, columns: 112, kind: 'grey', frameRateHz: 32, frameRateSource: 'avi-header', fileFormat: 'avi' });
    for (let n = 0; n < 4; n++) {
      const got = s.frame(n).pixels;
      const want = tree.frames['0XBBBB'][n];
      let se = 0;
      for (let i = 0; i < want.length; i++) se += (got[i] - want[i]) ** 2;
      const psnr = 10 * Math.log10((255 * 255) / (se / want.length));
      expect(psnr).toBeGreaterThan(35);
    }
    await expect(openSequence(join(root, 'Videos', '0XCORRUPT.avi'))).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('inspects one AVI with its dataset fields', async () => {
    const p = join(root, 'Videos', '0XAAAA.avi');
    const r = await inspectDatasetPaths([p]);
    expect(r.studies).toEqual([expect.objectContaining({ path: p, format: 'echonet', patient: '0XAAAA', view: 'A4C', edFrame: 1, esFrame: 4, ef: 55.5, split: 'train', labels: [0, 1], frameRateHz: 50 })]);
  });
});
