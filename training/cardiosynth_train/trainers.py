"""Training loops: autoencoder, segmenter, and the text encoder + ControlNet UNet denoiser. Each is seeded, logs
its losses (returned for the report) and prints progress lines a person can follow in the log file."""
import copy
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from .diffusion import add_noise, alphas_cumprod, min_snr_weights
from .prompts import compose


DEVICE = torch.device('cpu')


def set_device(device):
    """Where training runs. Random draws stay on the CPU (seeded generators) and are moved, so a seed gives the
    same noise on every device."""
    global DEVICE
    DEVICE = torch.device(device)


def dev(t):
    return t.to(DEVICE)


def log(msg):
    print(time.strftime('%H:%M:%S'), msg, flush=True)


def to_tensor_images(u8):
    return dev(torch.from_numpy(u8.astype(np.float32) / 127.5 - 1.0)[:, None])


def one_hot(labels, k):
    t = torch.from_numpy(labels.astype(np.int64))
    return dev(F.one_hot(t.clamp(max=k - 1), k).permute(0, 3, 1, 2).float())


def lr_at(step, total, base, warmup=100):
    if step < warmup:
        return base * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return base * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))


def train_autoencoder(ae, images, steps, batch, lr, seed, every=50):
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    opt = torch.optim.AdamW(ae.parameters(), lr=lr, weight_decay=0.0)
    losses = []
    t0 = time.time()
    for step in range(steps):
        for pg in opt.param_groups:
            pg['lr'] = lr_at(step, steps, lr, warmup=min(100, steps // 10 + 1))
        idx = rng.integers(0, len(images), batch)
        x = to_tensor_images(images[idx])
        z = ae.encoder(x)
        # Noise on the latent makes the decoder tolerant of the small errors a denoiser leaves.
        zn = z + 0.1 * z.detach().std() * dev(torch.randn(z.shape, generator=g))
        y = ae.decoder(zn)
        gx = lambda a: a[..., :, 1:] - a[..., :, :-1]
        gy = lambda a: a[..., 1:, :] - a[..., :-1, :]
        loss = F.l1_loss(y, x) + 0.5 * F.mse_loss(y, x) + 0.5 * (F.l1_loss(gx(y), gx(x)) + F.l1_loss(gy(y), gy(x))) + 1e-4 * z.square().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
        if step % every == 0 or step == steps - 1:
            log(f'autoencoder step {step + 1}/{steps} loss {np.mean(losses[-every:]):.4f} ({(time.time() - t0) / (step + 1):.2f} s/step)')
    return losses


@torch.no_grad()
def encode_latents(ae, images, batch=64):
    out = []
    for i in range(0, len(images), batch):
        out.append(ae.encoder(to_tensor_images(images[i:i + batch])).cpu())
    return torch.cat(out)


def seg_augment(x, rng, g):
    """Intensity augmentations that make the segmenter judge structure, not one renderer's texture: blur (the
    autoencoder smooths speckle), gain, gamma, additive noise."""
    b = x.shape[0]
    out = []
    for i in range(b):
        xi = x[i:i + 1]
        s = rng.uniform(0, 1.6)
        if s > 0.3:
            r = int(math.ceil(2.5 * s))
            k = torch.exp(-torch.arange(-r, r + 1, dtype=torch.float32) ** 2 / (2 * s * s))
            k = k / k.sum()
            xi = F.conv2d(F.pad(xi, (r, r, 0, 0), mode='replicate'), k[None, None, None, :])
            xi = F.conv2d(F.pad(xi, (0, 0, r, r), mode='replicate'), k[None, None, :, None])
        u = (xi + 1) / 2
        u = u.clamp(0, 1) ** float(np.exp(rng.uniform(-0.35, 0.35))) * float(rng.uniform(0.75, 1.25))
        u = u + float(rng.uniform(0, 0.06)) * dev(torch.randn(u.shape, generator=g))
        out.append(u * 2 - 1)
    return torch.cat(out)


def dice_per_label(pred, gt, k):
    """Mean Dice per label over the images whose ground truth holds that label: {label: dice}."""
    out = {}
    for lab in range(1, k):
        vals = []
        for p, t in zip(pred, gt):
            tp = t == lab
            if not tp.any():
                continue
            pp = p == lab
            vals.append(2.0 * np.logical_and(pp, tp).sum() / (pp.sum() + tp.sum()))
        if vals:
            out[lab] = float(np.mean(vals))
    return out


def train_segmenter(seg, images, labels, k, steps, batch, lr, seed, every=50):
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    opt = torch.optim.AdamW(seg.parameters(), lr=lr, weight_decay=1e-4)
    counts = np.bincount(labels.reshape(-1), minlength=k).astype(np.float64)
    weight = dev(torch.tensor((counts.sum() / np.maximum(counts, 1) / k) ** 0.5, dtype=torch.float32))
    losses = []
    t0 = time.time()
    for step in range(steps):
        for pg in opt.param_groups:
            pg['lr'] = lr_at(step, steps, lr, warmup=min(100, steps // 10 + 1))
        idx = rng.integers(0, len(images), batch)
        x = seg_augment(to_tensor_images(images[idx]), rng, g)
        y = dev(torch.from_numpy(labels[idx].astype(np.int64)))
        logits = seg(x)
        p = logits.softmax(1)
        oh = F.one_hot(y, k).permute(0, 3, 1, 2).float()
        inter = (p * oh).sum((0, 2, 3))
        soft_dice = 1 - ((2 * inter + 1) / (p.sum((0, 2, 3)) + oh.sum((0, 2, 3)) + 1))[1:].mean()
        loss = F.cross_entropy(logits, y, weight=weight) + soft_dice
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
        if step % every == 0 or step == steps - 1:
            log(f'segmenter step {step + 1}/{steps} loss {np.mean(losses[-every:]):.4f} ({(time.time() - t0) / (step + 1):.2f} s/step)')
    return losses


@torch.no_grad()
def segment(seg, u8_images, batch=32):
    out = []
    for i in range(0, len(u8_images), batch):
        out.append(seg(to_tensor_images(u8_images[i:i + batch])).argmax(1).cpu().numpy().astype(np.uint8))
    return np.concatenate(out)


def drop_fields(fields, rng, p):
    return {k: (v if v is not None and rng.random() >= p else None) for k, v in fields.items()}


def train_denoiser(unet, text, tokenizer, latents, labels, fields, k, steps, batch, lr, seed, ema_decay=0.999,
                   prompt_dropout=0.1, label_dropout=0.1, field_dropout=0.2, every=50, on_checkpoint=None, checkpoint_every=0):
    """Trains the text encoder and UNet together on (scaled latent, label map, prompt) triples with epsilon loss
    and min-SNR weighting. Returns (losses, ema_unet, ema_text)."""
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    params = list(unet.parameters()) + list(text.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=1e-4)
    ema_u, ema_t = copy.deepcopy(unet).eval(), copy.deepcopy(text).eval()
    for p in list(ema_u.parameters()) + list(ema_t.parameters()):
        p.requires_grad_(False)
    ac = dev(alphas_cumprod())
    empty = tokenizer('')
    prompt_cache = {}
    losses = []
    t0 = time.time()
    for step in range(steps):
        for pg in opt.param_groups:
            pg['lr'] = lr_at(step, steps, lr, warmup=min(200, steps // 10 + 1))
        idx = rng.integers(0, len(latents), batch)
        x0 = dev(latents[idx])
        ids = []
        for i in idx:
            if rng.random() < prompt_dropout:
                ids.append(empty)
                continue
            prompt = compose(drop_fields(fields[i], rng, field_dropout))
            if prompt not in prompt_cache:
                prompt_cache[prompt] = tokenizer(prompt)
            ids.append(prompt_cache[prompt])
        ctx = text(dev(torch.tensor(ids, dtype=torch.int64)))
        hint = one_hot(labels[idx], k)
        keep = dev(torch.from_numpy((rng.random(batch) >= label_dropout).astype(np.float32)))
        hint = hint * keep[:, None, None, None]
        t = dev(torch.randint(0, 1000, (batch,), generator=g))
        noise = dev(torch.randn(x0.shape, generator=g))
        xt = add_noise(x0, noise, t, ac)
        # A dropped label map is absent entirely: zero one-hot and conditioning scale 0 for that sample.
        eps = unet(xt, t.float(), ctx, hint[None], dev(torch.ones(1)), sample_scale=keep)
        w = min_snr_weights(t, ac)
        loss = (w * (eps - noise).square().mean((1, 2, 3))).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        d = min(ema_decay, (1 + step) / (10 + step))
        with torch.no_grad():
            for m, e in ((unet, ema_u), (text, ema_t)):
                for p, q in zip(m.parameters(), e.parameters()):
                    q.mul_(d).add_(p.detach(), alpha=1 - d)
        losses.append(float(loss))
        if step % every == 0 or step == steps - 1:
            log(f'denoiser step {step + 1}/{steps} loss {np.mean(losses[-every:]):.4f} lr {opt.param_groups[0]["lr"]:.2e} ({(time.time() - t0) / (step + 1):.2f} s/step)')
        if on_checkpoint and checkpoint_every and (step + 1) % checkpoint_every == 0 and step + 1 < steps:
            on_checkpoint(step + 1, ema_u, ema_t, losses)
    return losses, ema_u, ema_t


class PatchDiscriminator(torch.nn.Module):
    """A small PatchGAN critic: one logit per ~22 px patch, judging local texture (speckle), not layout."""

    def __init__(self, ch=32):
        super().__init__()
        nn = torch.nn
        self.net = nn.Sequential(
            nn.Conv2d(1, ch, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(ch, 2 * ch, 4, stride=2, padding=1), nn.GroupNorm(8, 2 * ch), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * ch, 2 * ch, 3, padding=1), nn.GroupNorm(8, 2 * ch), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * ch, 1, 3, padding=1))

    def forward(self, x):
        return self.net(x)


def finetune_decoder(ae, images, steps, batch, lr, seed, adv_weight=0.1, every=50):
    """Sharpens the decoder's speckle with an adversarial loss (hinge, PatchGAN) beside the reconstruction
    losses. The encoder is frozen, so the latent space the denoiser was trained in does not move (as Stable
    Diffusion's decoder was fine-tuned after the fact)."""
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    disc = dev(PatchDiscriminator())
    opt_g = torch.optim.Adam(ae.decoder.parameters(), lr=lr, betas=(0.5, 0.9))
    opt_d = torch.optim.Adam(disc.parameters(), lr=lr, betas=(0.5, 0.9))
    ae.encoder.eval()
    ae.decoder.train()
    losses = []
    t0 = time.time()
    gx = lambda a: a[..., :, 1:] - a[..., :, :-1]
    gy = lambda a: a[..., 1:, :] - a[..., :-1, :]
    for step in range(steps):
        idx = rng.integers(0, len(images), batch)
        x = to_tensor_images(images[idx])
        with torch.no_grad():
            z = ae.encoder(x)
            z = z + 0.1 * z.std() * dev(torch.randn(z.shape, generator=g))
        y = ae.decoder(z)
        # critic
        d_loss = F.relu(1 - disc(x)).mean() + F.relu(1 + disc(y.detach())).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        # decoder: reconstruction keeps structure, the critic asks for real-looking texture
        rec = F.l1_loss(y, x) + 0.5 * F.mse_loss(y, x) + 0.5 * (F.l1_loss(gx(y), gx(x)) + F.l1_loss(gy(y), gy(x)))
        ramp = min(1.0, step / max(1, steps // 5))
        g_loss = rec - adv_weight * ramp * disc(y).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        losses.append(float(rec))
        if step % every == 0 or step == steps - 1:
            log(f'decoder fine-tune step {step + 1}/{steps} reconstruction {np.mean(losses[-every:]):.4f} critic {float(d_loss):.3f} ({(time.time() - t0) / (step + 1):.2f} s/step)')
    ae.decoder.eval()
    return losses
