"""The training report: loss curves (PNG), a sample grid (PNG: label map, generated image, its segmentation,
the real phantom image) and the metrics (JSON)."""
import json
import os

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _smooth(v, n):
    v = np.asarray(v, np.float64)
    if len(v) < n or n < 2:
        return v
    c = np.cumsum(np.insert(v, 0, 0))
    return (c[n:] - c[:-n]) / n


def loss_curves(path, curves, progress=None):
    """One panel per training stage (raw loss in grey, running mean in red, log scale), and the label-adherence
    checks made during denoiser training when there are any."""
    panels = len(curves) + (1 if progress else 0)
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 3.2), dpi=100)
    axes = np.atleast_1d(axes)
    if progress:
        ax = axes[-1]
        steps = [p['step'] for p in progress]
        ax.plot(steps, [p['dice_mean'] for p in progress], 'o-', color='#c0392b', label='mean')
        labels = sorted({k for p in progress for k in p['per_label']}, key=int)
        for k in labels:
            ax.plot(steps, [p['per_label'].get(k, np.nan) for p in progress], '-', lw=0.8, alpha=0.7, label=f'label {k}')
        ax.set_title('Dice during training (PyTorch)')
        ax.set_xlabel('denoiser step')
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6)
    for ax, (name, losses) in zip(axes, curves.items()):
        n = max(1, len(losses) // 60)
        ax.plot(np.arange(len(losses)), losses, color='#bbbbbb', lw=0.5)
        s = _smooth(losses, n)
        ax.plot(np.arange(len(s)) + n // 2, s, color='#c0392b', lw=1.5)
        ax.set_title(name)
        ax.set_xlabel('step')
        ax.set_yscale('log')
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def colorize(labels, colors):
    rgb = np.zeros(labels.shape + (3,), np.uint8)
    for v, hexc in colors.items():
        c = [int(hexc[i:i + 2], 16) for i in (1, 3, 5)]
        rgb[labels == v] = c
    return rgb


def sample_grid(path, labels, generated, segmented, real, prompts, colors, n=8):
    n = min(n, len(labels))
    rows = [('label map', [colorize(l, colors) for l in labels[:n]]), ('generated (ONNX)', [np.stack([g] * 3, -1) for g in generated[:n]])]
    if segmented is not None:
        rows.append(('its segmentation', [colorize(s, colors) for s in segmented[:n]]))
    if real is not None:
        rows.append(('phantom B-mode', [np.stack([r] * 3, -1) for r in real[:n]]))
    fig, axes = plt.subplots(len(rows), n, figsize=(1.9 * n, 2.0 * len(rows) + 0.9), dpi=100)
    axes = np.atleast_2d(axes)
    for r, (title, imgs) in enumerate(rows):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(imgs[c], interpolation='nearest')
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(title, fontsize=8)
            if r == 0:
                ax.set_title(prompts[c].replace('apical ', '').replace(', ', '\n'), fontsize=6)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_metrics(path, metrics):
    tmp = path + '.partial'
    with open(tmp, 'w') as f:
        json.dump(metrics, f, indent=2)
        f.write('\n')
    os.replace(tmp, path)
