#!/usr/bin/python3
"""Reference pixel decodes for tests/unit/dicom-pixels, made by an implementation independent of ours:
pydicom 2.3 with the GDCM pixel handler (numpy handler as fallback for native data), pydicom's apply_color_lut
for PALETTE COLOR and convert_color_space for YBR_FULL(_422). Where GDCM cannot decode a syntax (12-bit JPEG
Extended: Debian's GDCM build lacks 12-bit libjpeg), dcmtk's dcmdjpeg decompresses the file and pydicom reads
the result.

Usage (run by the test; nothing generated is committed):
  decode_pixels.py decode MAX_FRAMES OUT_DIR=FILE [OUT_DIR=FILE ...]
  decode_pixels.py make-planar SRC DST       RGB file -> same pixels stored with PlanarConfiguration 1

For each file, OUT_DIR gets header.json and frame_<i>.raw (C-order, little endian) for the first MAX_FRAMES
frames, after the same display semantics the TypeScript decoder promises:
  grey  stored values masked to BitsStored and sign-extended (PixelRepresentation 1); MONOCHROME1 not inverted
  rgb   uint8 interleaved RGB; palette entries of 16 bits keep their high byte; samples wider than 8 bits keep
        their top 8 stored bits; YBR_FULL/YBR_FULL_422 converted with pydicom's convert_color_space
header.json: {"ok": true, "kind", "dtype", "rows", "columns", "frames", "written", "handler"} or
{"ok": false, "error"} when no reference decoder could decode the file.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import traceback
import warnings

import numpy as np
import pydicom
from pydicom.pixel_data_handlers import gdcm_handler, numpy_handler, rle_handler
from pydicom.pixel_data_handlers.util import apply_color_lut, convert_color_space

warnings.simplefilter('ignore')

JPEG_EXTENDED = '1.2.840.10008.1.2.4.51'


def read(path):
    ds = pydicom.dcmread(path, force=True)
    frames = str(ds.get('NumberOfFrames', '1') or '1')
    if not frames.isdigit():
        # pydicom's badVR.dcm has NumberOfFrames "1A"; read the leading digits as tolerant readers do.
        ds.NumberOfFrames = int(''.join(c for c in frames if c.isdigit()) or 1)
    if 'TransferSyntaxUID' not in ds.file_meta:
        ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian if ds.is_implicit_VR else (
            pydicom.uid.ExplicitVRLittleEndian if ds.is_little_endian else pydicom.uid.ExplicitVRBigEndian)
    return ds


def pixel_array(ds, path):
    """Returns (array shaped (frames, rows, cols[, samples]), handler name)."""
    ts = str(ds.file_meta.TransferSyntaxUID)
    if ts == JPEG_EXTENDED and ds.BitsStored > 8:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'raw.dcm')
            subprocess.run(['dcmdjpeg', path, out], check=True, capture_output=True)
            raw = pydicom.dcmread(out)
            raw.PhotometricInterpretation = ds.PhotometricInterpretation
            pydicom.config.pixel_data_handlers = [numpy_handler]
            arr = raw.pixel_array
            handler = 'dcmdjpeg+numpy'
    else:
        # pydicom's GDCM handler does not take RLE; pydicom's own numpy RLE decoder does (still independent of ours).
        pydicom.config.pixel_data_handlers = [gdcm_handler, rle_handler, numpy_handler]
        try:
            arr = ds.pixel_array
            handler = 'pydicom-rle' if ts == '1.2.840.10008.1.2.5' else 'gdcm'
        except Exception:
            pydicom.config.pixel_data_handlers = [numpy_handler]
            arr = ds.pixel_array
            handler = 'numpy'
    frames = int(ds.get('NumberOfFrames', 1) or 1)
    spp = int(ds.get('SamplesPerPixel', 1))
    shape = (frames, ds.Rows, ds.Columns) + ((spp,) if spp > 1 else ())
    return arr.reshape(shape), handler


def stored_values(arr, ds):
    bits = int(ds.BitsStored)
    alloc = int(ds.BitsAllocated)
    if arr.dtype.kind == 'f' or alloc == 1:
        return arr
    high = int(ds.get('HighBit', bits - 1))
    v = arr.astype(np.int64) & ((1 << alloc) - 1)  # two's complement container bits
    v = (v >> (high + 1 - bits)) & ((1 << bits) - 1)
    if int(ds.PixelRepresentation) == 1:
        v = np.where(v >= (1 << (bits - 1)), v - (1 << bits), v)
    signed = int(ds.PixelRepresentation) == 1
    if signed:
        dtype = np.int16 if bits <= 16 and alloc <= 16 else np.int32
    else:
        dtype = np.uint8 if bits <= 8 else np.uint16 if bits <= 16 else np.uint32
    return v.astype(dtype)


def to_display(arr, ds):
    pi = str(ds.PhotometricInterpretation).strip().upper()
    spp = int(ds.get('SamplesPerPixel', 1))
    if spp == 1:
        grey = stored_values(arr, ds)
        if pi == 'PALETTE COLOR':
            rgb = apply_color_lut(grey, ds)
            nominal = int(ds.RedPaletteColorLookupTableDescriptor[2])
            rgb = (rgb >> 8) if (rgb.dtype == np.uint16 and nominal == 16) else (rgb & 0xFF)
            return 'rgb', rgb.astype(np.uint8)
        return 'grey', grey
    if arr.dtype.itemsize > 1:
        arr = arr >> max(0, int(ds.BitsStored) - 8)
    arr = arr.astype(np.uint8)
    if pi in ('YBR_FULL', 'YBR_FULL_422'):
        arr = convert_color_space(arr, 'YBR_FULL', 'RGB')
    return 'rgb', arr


def decode(max_frames, jobs):
    for job in jobs:
        out_dir, path = job.split('=', 1)
        os.makedirs(out_dir, exist_ok=True)
        try:
            ds = read(path)
            # pixel_array may rewrite PixelRepresentation (pydicom's J2K sign correction); keep the file's module.
            module = copy.deepcopy(ds.group_dataset(0x0028))
            arr, handler = pixel_array(ds, path)
            for elem in module:
                ds[elem.tag] = elem
            written = min(arr.shape[0], max_frames)
            kind = None
            for i in range(written):
                kind, frame = to_display(arr[i], ds)
                np.ascontiguousarray(frame).astype(frame.dtype.newbyteorder('<')).tofile(os.path.join(out_dir, f'frame_{i}.raw'))
            header = {'ok': True, 'kind': kind, 'dtype': str(frame.dtype), 'rows': int(ds.Rows), 'columns': int(ds.Columns),
                      'frames': int(arr.shape[0]), 'written': written, 'handler': handler}
        except Exception as exc:  # the test reports it and skips the file with this reason
            header = {'ok': False, 'error': f'{type(exc).__name__}: {exc}', 'trace': traceback.format_exc(limit=3)}
        with open(os.path.join(out_dir, 'header.json'), 'w') as fh:
            json.dump(header, fh)


def make_planar(src, dst):
    ds = pydicom.dcmread(src)
    pydicom.config.pixel_data_handlers = [numpy_handler]
    arr = ds.pixel_array  # (rows, cols, 3) or (frames, rows, cols, 3), PlanarConfiguration 0
    planes = np.moveaxis(arr, -1, -3)  # samples before rows: colour-by-plane
    ds.PixelData = np.ascontiguousarray(planes).tobytes()
    ds.PlanarConfiguration = 1
    ds.save_as(dst)


if __name__ == '__main__':
    if sys.argv[1] == 'decode':
        decode(int(sys.argv[2]), sys.argv[3:])
    elif sys.argv[1] == 'make-planar':
        make_planar(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f'unknown command {sys.argv[1]}')
