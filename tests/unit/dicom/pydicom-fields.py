"""Prints, as JSON, the inspect fields pydicom reads for each path given (the reference for inspect.test.ts)."""
import json, sys
import pydicom

def num(v, default):
    try:
        return int(v)
    except Exception:
        return default

out = {}
for path in sys.argv[1:]:
    try:
        forced = False
        try:
            ds = pydicom.dcmread(path)
        except pydicom.errors.InvalidDicomError:
            # No preamble/meta: read as a raw data set, and accept it only if it looks like one.
            ds = pydicom.dcmread(path, force=True)
            forced = True
            if 'SOPClassUID' not in ds and 'PixelData' not in ds:
                raise
        if forced and 'TransferSyntaxUID' in getattr(ds, 'file_meta', {}):
            # A meta group without the preamble/DICM (dcmdump reads its syntax too).
            ts = str(ds.file_meta.TransferSyntaxUID)
        elif forced:
            ts = ('1.2.840.10008.1.2' if ds.is_implicit_VR else '1.2.840.10008.1.2.1') if ds.is_little_endian else '1.2.840.10008.1.2.2'
        else:
            ts = str(ds.file_meta.get('TransferSyntaxUID', ''))
        has_px = any(t in ds for t in ('PixelData', 'FloatPixelData', 'DoubleFloatPixelData'))
        frames = num(ds.get('NumberOfFrames', 1), 1) if has_px else 0
        ft = ds.get('FrameTime')
        out[path] = {
            'ok': True,
            'modality': str(ds.get('Modality', '')),
            'sopClassUid': str(ds.get('SOPClassUID', '') or ds.file_meta.get('MediaStorageSOPClassUID', '')),
            'transferSyntaxUid': ts,
            'frames': frames,
            'rows': num(ds.get('Rows', 0), 0),
            'columns': num(ds.get('Columns', 0), 0),
            'samplesPerPixel': num(ds.get('SamplesPerPixel', 1 if has_px else 0), 0),
            'photometric': str(ds.get('PhotometricInterpretation', '')).upper(),
            'bitsStored': num(ds.get('BitsStored', ds.get('BitsAllocated', 0)), 0),
            'frameTime': float(ft) if ft not in (None, '') else None,
            'cineRate': float(ds.CineRate) if ds.get('CineRate') not in (None, '') else None,
            'frameTimeVector': [float(x) for x in ds.FrameTimeVector] if ds.get('FrameTimeVector') not in (None, '') else None,
            'recommendedRate': float(ds.RecommendedDisplayFrameRate) if ds.get('RecommendedDisplayFrameRate') not in (None, '') else None,
        }
    except Exception as e:  # noqa: BLE001 - any failure is "pydicom could not read it"
        out[path] = {'ok': False, 'error': f'{type(e).__name__}: {e}'}
print(json.dumps(out))
