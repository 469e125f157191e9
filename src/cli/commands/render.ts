/** `cardiosynth render FILE --frame N --out F.png [--raw]`: one frame as a PNG. */
import { basename, resolve } from 'node:path';
import { PNG } from 'pngjs';
import type { FramePixels } from '../../shared/dicom-types.ts';
import { toErrorData } from '../../shared/errors.ts';
import { DicomLibrary } from '../../main/services/dicom/index.ts';
import { renderDisplay } from '../../main/services/dicom/display.ts';
import { isSequencePath, openSequence } from '../../main/services/datasets/index.ts';
import { writeFileAtomic } from '../../main/services/files/atomic-write.ts';
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, err, intOption, parse, type Command } from '../usage.ts';

const HELP = `Usage: cardiosynth render FILE --frame N --out F.png [--raw]

Writes frame N (0-based) of a DICOM file, a NIfTI (.nii, .nii.gz) or MetaImage (.mhd, .mha) image, or an
AVI video (decoded by ffmpeg: the system's, or CARDIOSYNTH_FFMPEG) as a PNG. For NIfTI and MetaImage the
first array axis runs left to right and the second top to bottom (as ITK-SNAP and 3D Slicer show them);
the frames are the third axis (a CAMUS cine's time, or a volume's slices) or, in a 4-D image, time at the
middle slice. They are displayed with a window over the whole sequence's value range.

  --frame N   the frame to write, counting from 0 (default 0)
  --out F     the PNG file to write (required)
  --raw       write the stored grey values, unwindowed: an 8-bit PNG for 8-bit data, a 16-bit PNG
              otherwise. Signed data (PixelRepresentation 1) is offset by +32768 so that every value
              fits and order is kept: PNG value = stored value + 32768. Colour files cannot be --raw.
              Without --raw the frame is written as displayed: RGB after palette/YBR conversion for
              colour data, grey through the file's default window otherwise.
  -h, --help  show this help

Exit status: 0 on success, 2 on bad usage or a file that cannot be read or decoded.
`;

/** Signed 16-bit stored values are written as value + SIGNED_OFFSET (documented in --help). */
export const SIGNED_OFFSET = 32768;

export interface PngImage {
  width: number;
  height: number;
  channels: 1 | 3;
  bitDepth: 8 | 16;
  /** 8-bit: one byte per sample; 16-bit: native-endian Uint16 samples. */
  samples: Uint8Array | Uint16Array;
}

export function encodePng(img: PngImage): Buffer {
  const png = new PNG({
    width: img.width,
    height: img.height,
    bitDepth: img.bitDepth,
    colorType: img.channels === 3 ? 2 : 0,
    inputColorType: img.channels === 3 ? 2 : 0,
    inputHasAlpha: false,
  });
  // pngjs reads 16-bit input as a Uint16Array over the whole backing buffer (and writes it big-endian, as
  // PNG requires), so hand it a buffer that holds exactly the samples.
  const bytes = img.samples.slice();
  png.data = Buffer.from(bytes.buffer, 0, bytes.byteLength);
  return PNG.sync.write(png, {
    bitDepth: img.bitDepth,
    colorType: img.channels === 3 ? 2 : 0,
    inputColorType: img.channels === 3 ? 2 : 0,
    inputHasAlpha: false,
  });
}

/** The stored grey values of a frame as an 8- or 16-bit image, or an error message. */
export function rawImage(frame: FramePixels, file: string): PngImage {
  const base = { width: frame.columns, height: frame.rows, channels: 1 as const };
  if (frame.kind !== 'grey') throw new UsageError(`${file}: --raw needs grey-scale data, but this file is colour; render it without --raw.`);
  const px = frame.pixels;
  if (px instanceof Uint8Array) return { ...base, bitDepth: 8, samples: px };
  if (px instanceof Uint16Array) return { ...base, bitDepth: 16, samples: px };
  if (px instanceof Int16Array) {
    const shifted = new Uint16Array(px.length);
    for (let i = 0; i < px.length; i++) shifted[i] = px[i] + SIGNED_OFFSET;
    return { ...base, bitDepth: 16, samples: shifted };
  }
  throw new UsageError(`${file}: --raw cannot write ${px.constructor.name} stored values to PNG (more than 16 bits); render it without --raw.`);
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'write one frame of a DICOM, NIfTI, MetaImage or AVI file as a PNG (as displayed, or --raw)',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parse({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { frame: { type: 'string' }, out: { type: 'string' }, raw: { type: 'boolean' } },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the file to render.' : 'give exactly one file.');
    if (!values.out) throw new UsageError('--out F.png is required.');
    const frameIndex = intOption(values.frame, 'frame', 0);
    const file = resolve(positionals[0]);

    if (isSequencePath(file)) return renderSequence(file, frameIndex, values.out, values.raw === true);
    const library = new DicomLibrary();
    const opened = await library.open([file]);
    if (opened.errors.length > 0) {
      for (const e of opened.errors) err(`cardiosynth render: ${e.path}: [${e.code}] ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    const instance = opened.studies.flatMap((s) => s.series.flatMap((se) => se.instances))[0];
    if (!instance) {
      err(`cardiosynth render: ${file}: no DICOM image found.`);
      return EXIT_BAD_INPUT;
    }
    if (frameIndex >= instance.frames) {
      err(`cardiosynth render: ${file}: has ${instance.frames} frame(s) (0 to ${instance.frames - 1}); --frame ${frameIndex} is out of range.`);
      return EXIT_BAD_INPUT;
    }

    let image: PngImage;
    try {
      image = frameToPng(await library.frame(instance.id, frameIndex), file, values.raw ?? false);
    } catch (e) {
      if (e instanceof UsageError) {
        err(`cardiosynth render: ${e.message}`);
        return EXIT_BAD_INPUT;
      }
      const data = toErrorData(e);
      err(`cardiosynth render: ${file}: frame ${frameIndex}: [${data.kind}] ${data.message}`);
      return data.kind === 'internal' ? 1 : EXIT_BAD_INPUT;
    }

    return writePng(values.out, image);
  },
};

/** One frame as the PNG `render` writes: as displayed, or (--raw) the stored values. */
function frameToPng(frame: FramePixels, file: string, raw: boolean): PngImage {
  if (raw) {
    const image = rawImage(frame, file);
    if (frame.pixels instanceof Int16Array) err(`cardiosynth render: note: ${file} has signed values; wrote stored value + ${SIGNED_OFFSET}.`);
    return image;
  }
  const shown = renderDisplay(frame);
  return { width: shown.width, height: shown.height, channels: shown.channels, bitDepth: 8, samples: shown.data };
}

function writePng(out: string, image: PngImage): number {
  const target = resolve(out);
  try {
    writeFileAtomic(target, encodePng(image));
  } catch (e) {
    err(`cardiosynth render: cannot write ${target}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}

/** NIfTI, MetaImage and AVI files: the same display mapping as DICOM (renderDisplay), or the stored values. */
async function renderSequence(file: string, frameIndex: number, out: string, raw: boolean): Promise<number> {
  let image: PngImage;
  try {
    const seq = await openSequence(file, { thirdAxisIsTime: /sequence/i.test(basename(file)) });
    if (frameIndex >= seq.summary.frames) {
      err(`cardiosynth render: ${file}: has ${seq.summary.frames} frame(s) (0 to ${seq.summary.frames - 1}); --frame ${frameIndex} is out of range.`);
      return EXIT_BAD_INPUT;
    }
    image = frameToPng(seq.frame(frameIndex), file, raw);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cardiosynth render: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    const data = toErrorData(e);
    const message = data.message.includes(file) ? data.message : `${file}: ${data.message}`;
    err(`cardiosynth render: frame ${frameIndex}: [${data.kind}] ${message}`);
    return data.kind === 'internal' ? 1 : EXIT_BAD_INPUT;
  }
  return writePng(out, image);
}
