"""Reads a dataset folder into training arrays: grey images and label maps at the model's size, with the prompt
fields and split of each frame. Layouts (as the project's importers read them, see src/main/services/datasets):

  CAMUS 2023 NIfTI   database_nifti/patientNNNN/..._half_sequence[_gt].nii.gz, ..._{ED,ES}[_gt].nii.gz,
                     Info_{2CH,4CH}.cfg, database_split/subgroup_*.txt. nibabel shape (W, H[, T]): the first
                     axis runs along a row. Phantom output of `cardiosynth phantom --layout camus` is this too.
  EchoNet-Dynamic    Videos/*.avi (decoded with the system ffmpeg), FileList.csv, VolumeTracings.csv; the LV
                     mask of each traced frame is the polygon of its chord ends, as echo.py draws it.

Images that are not square are padded to a square (centred, black) before resizing, so the anatomy keeps its
proportions; label maps are resized by nearest neighbour.
"""
import csv
import glob
import hashlib
import os
import subprocess

import numpy as np
from PIL import Image, ImageDraw

from .prompts import study_fields

CAMUS_LABEL_NAMES = {0: 'background', 1: 'LV cavity', 2: 'myocardium', 3: 'left atrium', 4: 'right ventricle', 5: 'right atrium'}
LABEL_COLORS = {0: '#000000', 1: '#ff3b30', 2: '#34c759', 3: '#0a84ff', 4: '#ffcc00', 5: '#af52de'}


class DatasetError(Exception):
    pass


class Frames:
    """Stacked frames: images [N, S, S] uint8, labels [N, S, S] uint8, and per frame its fields, split, study id."""

    def __init__(self, size):
        self.size = size
        self.images = []
        self.labels = []
        self.fields = []
        self.splits = []
        self.studies = []
        self.layout = None
        self.root = None
        self.label_names = {}

    def add(self, image, label, fields, split, study):
        self.images.append(image)
        self.labels.append(label)
        self.fields.append(fields)
        self.splits.append(split)
        self.studies.append(study)

    def finish(self):
        if not self.images:
            raise DatasetError(f'{self.root}: no labelled frames found')
        self.images = np.stack(self.images)
        self.labels = np.stack(self.labels)
        self.splits = np.array(self.splits)
        return self

    def __len__(self):
        return len(self.images)

    def select(self, mask):
        out = Frames(self.size)
        out.layout, out.root, out.label_names = self.layout, self.root, self.label_names
        idx = np.nonzero(mask)[0]
        out.images = self.images[idx]
        out.labels = self.labels[idx]
        out.fields = [self.fields[i] for i in idx]
        out.splits = self.splits[idx]
        out.studies = [self.studies[i] for i in idx]
        return out


def to_square(arr, size, nearest):
    """[H, W] -> [size, size]: pad to a centred square, then resize."""
    h, w = arr.shape
    s = max(h, w)
    if h != w:
        sq = np.zeros((s, s), arr.dtype)
        y0, x0 = (s - h) // 2, (s - w) // 2
        sq[y0:y0 + h, x0:x0 + w] = arr
        arr = sq
    if s == size:
        return np.ascontiguousarray(arr)
    resample = Image.NEAREST if nearest else (Image.BOX if s > size else Image.BILINEAR)
    return np.asarray(Image.fromarray(arr).resize((size, size), resample=resample))


def fallback_split(name):
    h = int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) / 2**32
    return 'train' if h < 0.8 else 'val' if h < 0.9 else 'test'


def read_cfg(path):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            if ':' in line:
                k, v = line.split(':', 1)
                out[k.strip()] = v.strip()
    return out


def _num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def read_camus(root, size, max_frames_per_study=None):
    import nibabel as nib

    if os.path.basename(os.path.normpath(root)) == 'database_nifti':
        root = os.path.dirname(os.path.normpath(root))
    base = os.path.join(root, 'database_nifti')
    splits = {}
    for name, split in (('training', 'train'), ('validation', 'val'), ('testing', 'test')):
        p = os.path.join(root, 'database_split', f'subgroup_{name}.txt')
        if os.path.exists(p):
            with open(p) as f:
                for line in f:
                    if line.strip():
                        splits[line.strip()] = split
    out = Frames(size)
    out.layout, out.root = 'camus-nifti', root
    patients = sorted(d for d in os.listdir(base) if d.startswith('patient') and os.path.isdir(os.path.join(base, d)))
    if not patients:
        raise DatasetError(f'{base}: no patientNNNN folders')

    def load(path):
        a = np.asanyarray(nib.load(path).dataobj)
        if a.ndim == 2:
            a = a[:, :, None]
        return np.transpose(a, (2, 1, 0))  # (W, H, T) -> (T, H, W)

    for patient in patients:
        d = os.path.join(base, patient)
        split = splits.get(patient) or fallback_split(patient)
        for view in ('2CH', '4CH'):
            stem = os.path.join(d, f'{patient}_{view}')
            cfg = read_cfg(os.path.join(d, f'Info_{view}.cfg'))
            ed = int(cfg['ED']) - 1 if 'ED' in cfg else None
            es = int(cfg['ES']) - 1 if 'ES' in cfg else None
            ef = _num(cfg.get('EF', cfg.get('LVef')))
            meta = dict(view=view, quality=cfg.get('ImageQuality'), sex=cfg.get('Sex'), age=_num(cfg.get('Age')), ef=ef)
            seq, gt = f'{stem}_half_sequence.nii.gz', f'{stem}_half_sequence_gt.nii.gz'
            pairs = []
            if os.path.exists(seq) and os.path.exists(gt):
                imgs, labs = load(seq), load(gt)
                if imgs.shape != labs.shape:
                    raise DatasetError(f'{gt}: shape {labs.shape} differs from {seq} {imgs.shape}')
                idx = list(range(len(imgs)))
                if max_frames_per_study and len(idx) > max_frames_per_study:
                    keep = np.linspace(0, len(idx) - 1, max_frames_per_study).round().astype(int)
                    idx = sorted(set(keep.tolist()) | {i for i in (ed, es) if i is not None and i < len(imgs)})
                for i in idx:
                    pairs.append((imgs[i], labs[i], 'ED' if i == ed else 'ES' if i == es else None))
            else:
                for phase in ('ED', 'ES'):
                    img, lab = f'{stem}_{phase}.nii.gz', f'{stem}_{phase}_gt.nii.gz'
                    if os.path.exists(img) and os.path.exists(lab):
                        pairs.append((load(img)[0], load(lab)[0], phase))
            for img, lab, phase in pairs:
                out.add(to_square(np.asarray(img, np.uint8), size, False), to_square(np.asarray(lab, np.uint8), size, True),
                        study_fields(phase=phase, **meta), split, f'{patient}_{view}')
    out.finish()
    present = sorted(int(v) for v in np.unique(out.labels))
    out.label_names = {v: CAMUS_LABEL_NAMES.get(v, f'label {v}') for v in range(max(present) + 1)}
    return out


def decode_avi(path, ffmpeg='ffmpeg'):
    probe = subprocess.run([ffmpeg, '-v', 'error', '-i', path, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        raise DatasetError(f'{path}: ffmpeg could not decode it: {probe.stderr.decode(errors="replace").strip()[:200]}')
    return probe.stdout


def tracing_mask(lines, h, w):
    """echo.py's LV mask: polygon of rint(chord ends) x1.. then reversed x2.., long-axis row left out."""
    chords = lines[1:]
    pts = [(float(np.rint(x1)), float(np.rint(y1))) for x1, y1, _, _ in chords] + [(float(np.rint(x2)), float(np.rint(y2))) for _, _, x2, y2 in reversed(chords)]
    img = Image.new('L', (w, h), 0)
    ImageDraw.Draw(img).polygon(pts, fill=1, outline=1)
    return np.asarray(img, np.uint8)


def read_echonet(root, size):
    ffmpeg = os.environ.get('CARDIOSYNTH_FFMPEG', 'ffmpeg')
    rows = list(csv.DictReader(open(os.path.join(root, 'FileList.csv'), newline='')))
    tracings = {}
    tpath = os.path.join(root, 'VolumeTracings.csv')
    if os.path.exists(tpath):
        for r in csv.DictReader(open(tpath, newline='')):
            try:
                key = r['FileName'].strip()
                key = key[:-4] if key.lower().endswith('.avi') else key
                tracings.setdefault(key, {}).setdefault(int(r['Frame']), []).append(tuple(float(r[c]) for c in ('X1', 'Y1', 'X2', 'Y2')))
            except (ValueError, KeyError):
                continue
    out = Frames(size)
    out.layout, out.root = 'echonet-dynamic', root
    for r in rows:
        name = r['FileName'].strip()
        name = name[:-4] if name.lower().endswith('.avi') else name
        traced = tracings.get(name)
        video = os.path.join(root, 'Videos', f'{name}.avi')
        if not traced or len(traced) < 2 or not os.path.exists(video):
            continue
        h, w = int(float(r['FrameHeight'])), int(float(r['FrameWidth']))
        raw = decode_avi(video, ffmpeg)
        frames = np.frombuffer(raw, np.uint8)[: (len(raw) // (h * w)) * h * w].reshape(-1, h, w)
        order = list(traced)  # echo.py: first traced frame is ES, last is ED
        split = {'TRAIN': 'train', 'VAL': 'val', 'TEST': 'test'}.get(r.get('Split', '').strip().upper(), fallback_split(name))
        for phase, f in (('ES', order[0]), ('ED', order[-1])):
            if f >= len(frames):
                continue
            mask = tracing_mask(traced[f], h, w)
            out.add(to_square(frames[f], size, False), to_square(mask, size, True),
                    study_fields(view='4CH', phase=phase, ef=_num(r.get('EF'))), split, name)
    out.finish()
    out.label_names = {0: 'background', 1: 'LV cavity'}
    return out


def read_dataset(root, size, max_frames_per_study=None):
    root = os.path.abspath(root)
    if os.path.isdir(os.path.join(root, 'database_nifti')) or os.path.basename(root) == 'database_nifti':
        return read_camus(root, size, max_frames_per_study)
    if os.path.exists(os.path.join(root, 'FileList.csv')):
        return read_echonet(root, size)
    if glob.glob(os.path.join(root, 'training', 'patient*')) or glob.glob(os.path.join(root, 'testing', 'patient*')):
        raise DatasetError(f'{root}: the legacy CAMUS release (MetaImage .mhd/.raw) is not read by training; convert it '
                           'to the 2023 NIfTI layout (export from the workstation writes it)')
    raise DatasetError(f'{root}: not a CAMUS 2023 (database_nifti/) or EchoNet-Dynamic (FileList.csv) dataset folder')
