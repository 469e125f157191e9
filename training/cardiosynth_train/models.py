"""The networks of a pack and the segmenter that measures it. All are small enough to train on two CPU cores and
export to ONNX (opset 17) with plain ops: convolutions, GroupNorm, LayerNorm, matmul attention.

  Autoencoder   1 x S x S  <->  C x S/4 x S/4 (diffusers' vae_encoder / vae_decoder): strided convolutions
                down, nearest-upsample + convolutions up; the encoder's mean is the latent (deterministic).
  TextEncoder   CLIP-shaped: token + position embeddings, causal pre-LN transformer, final LayerNorm;
                input_ids [B, 77] -> last_hidden_state [B, 77, D].
  ControlUNet   epsilon-prediction UNet on latents with cross-attention to the text at the two coarse levels
                and a ControlNet-style branch: the one-hot label map [N=1, B, K, S, S] goes through a hint encoder
                to latent size; a copy of the UNet's encoder reads the noisy latent plus the hint and returns one
                residual per skip connection and one for the middle block, added to the UNet's after multiplying
                by conditioning_scales (as diffusers' ControlNet does). The hint also enters the UNet's own input,
                scaled the same way, so scale 0 removes the label map entirely (trained by label dropout).
  Segmenter     a small UNet on grey images -> K label logits, trained on phantom B-mode, used only to measure
                label adherence of generated images.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def gn(c):
    return nn.GroupNorm(min(8, c), c)


def space_to_depth(x, f):
    """[B, C, H, W] -> [B, C*f*f, H/f, W/f], every pixel kept (exported as reshape/transpose)."""
    b, c, h, w = x.shape
    x = x.reshape(b, c, h // f, f, w // f, f).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(b, c * f * f, h // f, w // f)


def depth_to_space(x, f):
    """The inverse of space_to_depth."""
    b, c, h, w = x.shape
    x = x.reshape(b, c // (f * f), f, f, h, w).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(b, c // (f * f), h * f, w * f)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb=None):
        super().__init__()
        self.n1, self.c1 = gn(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout) if temb else None
        self.n2, self.c2 = gn(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, t=None):
        h = self.c1(F.silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(F.silu(t))[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


# ---------------------------------------------------------------- autoencoder

class Encoder(nn.Module):
    """Space-to-depth by 2 (no pixel lost), a convolution at half size, a strided one to a quarter, two
    residual blocks there."""

    def __init__(self, ch=(32, 64, 96), latent=4):
        super().__init__()
        self.inp = nn.Conv2d(4, ch[1], 3, padding=1)
        self.d2 = nn.Conv2d(ch[1], ch[2], 3, stride=2, padding=1)
        self.r2a, self.r2b = ResBlock(ch[2], ch[2]), ResBlock(ch[2], ch[2])
        self.out = nn.Sequential(gn(ch[2]), nn.SiLU(), nn.Conv2d(ch[2], latent, 3, padding=1))

    def forward(self, x):
        h = F.silu(self.inp(space_to_depth(x, 2)))
        h = self.r2b(self.r2a(self.d2(h)))
        return self.out(h)


class Decoder(nn.Module):
    """Two residual blocks at a quarter size, up to half size, then depth-to-space to full size (4 sub-pixels
    per half-size cell) and one full-size convolution that blends across the sub-pixel grid."""

    def __init__(self, ch=(32, 64, 96), latent=4):
        super().__init__()
        self.inp = nn.Conv2d(latent, ch[2], 3, padding=1)
        self.r2a, self.r2b = ResBlock(ch[2], ch[2]), ResBlock(ch[2], ch[2])
        self.u1 = nn.Conv2d(ch[2], ch[1], 3, padding=1)
        self.r1 = ResBlock(ch[1], ch[1])
        self.to_sub = nn.Sequential(gn(ch[1]), nn.SiLU(), nn.Conv2d(ch[1], 4 * ch[0] // 4, 3, padding=1))
        self.out = nn.Sequential(nn.SiLU(), nn.Conv2d(ch[0] // 4, ch[0] // 4, 3, padding=1), nn.SiLU(), nn.Conv2d(ch[0] // 4, 1, 3, padding=1))

    def forward(self, z):
        h = self.r2b(self.r2a(self.inp(z)))
        h = self.r1(self.u1(F.interpolate(h, scale_factor=2.0, mode='nearest')))
        return self.out(depth_to_space(self.to_sub(h), 2))


class Autoencoder(nn.Module):
    def __init__(self, ch=(32, 64, 96), latent=4):
        super().__init__()
        self.encoder = Encoder(ch, latent)
        self.decoder = Decoder(ch, latent)

    def forward(self, x):
        return self.decoder(self.encoder(x))


class VaeEncoderExport(nn.Module):
    """vae_encoder/model.onnx: sample [B, 1, S, S] in [-1, 1] -> latent_sample [B, C, S/4, S/4] (unscaled)."""

    def __init__(self, ae):
        super().__init__()
        self.enc = ae.encoder

    def forward(self, sample):
        return self.enc(sample)


class VaeDecoderExport(nn.Module):
    """vae_decoder/model.onnx: latent_sample (unscaled) -> sample in about [-1, 1]."""

    def __init__(self, ae):
        super().__init__()
        self.dec = ae.decoder

    def forward(self, latent_sample):
        return self.dec(latent_sample)


# ---------------------------------------------------------------- text encoder

class CausalSelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x, mask):
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4)
        att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d // self.h)) + mask
        y = torch.matmul(att.softmax(-1), v).transpose(1, 2).reshape(b, t, d)
        return self.proj(y)


class TextEncoder(nn.Module):
    def __init__(self, vocab_size, width=64, layers=2, heads=4, max_length=77):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, width)
        self.pos = nn.Parameter(torch.randn(max_length, width) * 0.01)
        self.blocks = nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(nn.ModuleDict(dict(ln1=nn.LayerNorm(width), att=CausalSelfAttention(width, heads), ln2=nn.LayerNorm(width),
                                                  mlp=nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width)))))
        self.ln = nn.LayerNorm(width)
        self.register_buffer('mask', torch.triu(torch.full((max_length, max_length), -1e4), 1), persistent=False)

    def forward(self, input_ids):
        x = self.tok(input_ids.long()) + self.pos
        for blk in self.blocks:
            x = x + blk['att'](blk['ln1'](x), self.mask)
            x = x + blk['mlp'](blk['ln2'](x))
        return self.ln(x)


# ---------------------------------------------------------------- UNet with a ControlNet branch

def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)  # flip_sin_to_cos=True, as diffusers' SD UNet


class CrossAttention(nn.Module):
    def __init__(self, c, ctx, heads=4):
        super().__init__()
        self.h = heads
        self.n = gn(c)
        self.ln = nn.LayerNorm(c)
        self.q = nn.Linear(c, c, bias=False)
        self.k = nn.Linear(ctx, c, bias=False)
        self.v = nn.Linear(ctx, c, bias=False)
        self.o = nn.Linear(c, c)
        self.ln2 = nn.LayerNorm(c)
        self.ff = nn.Sequential(nn.Linear(c, 2 * c), nn.GELU(), nn.Linear(2 * c, c))

    def forward(self, x, ctx):
        b, c, hh, ww = x.shape
        h = self.n(x).reshape(b, c, hh * ww).transpose(1, 2)
        d = c // self.h
        q = self.q(self.ln(h)).reshape(b, -1, self.h, d).transpose(1, 2)
        k = self.k(ctx).reshape(b, -1, self.h, d).transpose(1, 2)
        v = self.v(ctx).reshape(b, -1, self.h, d).transpose(1, 2)
        a = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d))
        y = torch.matmul(a.softmax(-1), v).transpose(1, 2).reshape(b, -1, c)
        h = h + self.o(y)
        h = h + self.ff(self.ln2(h))
        return x + h.transpose(1, 2).reshape(b, c, hh, ww)


class HintEncoder(nn.Module):
    """One-hot label map [B, K, S, S] -> features at latent size [B, c, S/4, S/4]. Space-to-depth first: every
    pixel of the map reaches the latent grid (boundaries keep their exact position) at a quarter of the cost
    of strided convolutions at full size."""

    def __init__(self, k, c):
        super().__init__()
        self.k = k
        self.net = nn.Sequential(
            nn.Conv2d(16 * k, c, 3, padding=1), nn.SiLU(),
            nn.Conv2d(c, c, 3, padding=1), nn.SiLU(),
            nn.Conv2d(c, c, 3, padding=1))

    def forward(self, x):
        return self.net(space_to_depth(x, 4))


class EncoderStack(nn.Module):
    """The UNet's down path; returns the skip features and the input to the middle block."""

    def __init__(self, ch, temb, ctx):
        super().__init__()
        c0, c1, c2 = ch
        self.r0 = ResBlock(c0, c0, temb)
        self.d0 = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.r1 = ResBlock(c0, c1, temb)
        self.a1 = CrossAttention(c1, ctx)
        self.d1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.r2 = ResBlock(c1, c2, temb)
        self.a2 = CrossAttention(c2, ctx)

    def forward(self, h, t, ctx):
        skips = [h]
        h = self.r0(h, t); skips.append(h)
        h = self.d0(h); skips.append(h)
        h = self.a1(self.r1(h, t), ctx); skips.append(h)
        h = self.d1(h); skips.append(h)
        h = self.a2(self.r2(h, t), ctx); skips.append(h)
        return h, skips


class ControlUNet(nn.Module):
    def __init__(self, latent=4, k=4, ctx=64, ch=(64, 128, 128), control_ch=(32, 64, 64), temb=256):
        super().__init__()
        c0, c1, c2 = ch
        self.ch = ch
        self.temb = nn.Sequential(nn.Linear(ch[0], temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(latent, c0, 3, padding=1)
        self.hint = HintEncoder(k, c0)
        self.down = EncoderStack(ch, temb, ctx)
        self.mid1, self.mida, self.mid2 = ResBlock(c2, c2, temb), CrossAttention(c2, ctx), ResBlock(c2, c2, temb)
        skip_ch = [c0, c0, c0, c1, c1, c2]
        self.up = nn.ModuleList([
            ResBlock(c2 + skip_ch[5], c2, temb), ResBlock(c2 + skip_ch[4], c2, temb),  # 1/4 size
            ResBlock(c2 + skip_ch[3], c1, temb), ResBlock(c1 + skip_ch[2], c1, temb),  # 1/2 size
            ResBlock(c1 + skip_ch[1], c0, temb), ResBlock(c0 + skip_ch[0], c0, temb),  # full latent size
        ])
        self.up_att = nn.ModuleList([CrossAttention(c2, ctx), CrossAttention(c2, ctx), CrossAttention(c1, ctx), CrossAttention(c1, ctx)])
        self.upsample = nn.ModuleList([nn.Conv2d(c2, c2, 3, padding=1), nn.Conv2d(c1, c1, 3, padding=1)])
        self.out = nn.Sequential(gn(c0), nn.SiLU(), nn.Conv2d(c0, latent, 3, padding=1))
        # ControlNet branch: its own conv_in + hint, a narrower copy of the encoder, 1x1 projections per skip.
        self.cn_in = nn.Conv2d(latent, control_ch[0], 3, padding=1)
        self.cn_hint = nn.Conv2d(c0, control_ch[0], 1)  # from the shared hint features
        self.cn_down = EncoderStack(control_ch, temb, ctx)
        self.cn_mid = ResBlock(control_ch[2], control_ch[2], temb)
        cc = [control_ch[0], control_ch[0], control_ch[0], control_ch[1], control_ch[1], control_ch[2]]
        self.cn_proj = nn.ModuleList([nn.Conv2d(a, b, 1) for a, b in zip(cc, skip_ch)])
        self.cn_proj_mid = nn.Conv2d(control_ch[2], c2, 1)
        for p in list(self.cn_proj) + [self.cn_proj_mid]:
            nn.init.normal_(p.weight, std=1e-3)  # near-zero ("zero convolution"), not exactly 0: trained from scratch
            nn.init.zeros_(p.bias)

    def forward(self, sample, timestep, encoder_hidden_states, controlnet_conds, conditioning_scales, sample_scale=None):
        # timestep [1] or [B]: a single step broadcasts through the embedding's batch dimension.
        t = timestep.float().reshape(-1)
        temb = self.temb(timestep_embedding(t, self.ch[0]))
        ctx = encoder_hidden_states
        cond = controlnet_conds[0]
        # One scale for the batch (the ONNX interface); training passes one per sample (label dropout = 0).
        scale = conditioning_scales.reshape(-1)[0] if sample_scale is None else sample_scale[:, None, None, None]
        hint = self.hint(cond)
        # ControlNet branch
        ch_in = self.cn_in(sample) + self.cn_hint(hint)
        cmid, cskips = self.cn_down(ch_in, temb, ctx)
        cmid = self.cn_mid(cmid, temb)
        res = [p(s) * scale for p, s in zip(self.cn_proj, cskips)]
        res_mid = self.cn_proj_mid(cmid) * scale
        # UNet
        h = self.conv_in(sample) + hint * scale
        h, skips = self.down(h, temb, ctx)
        skips = [s + r for s, r in zip(skips, res)]
        h = self.mid2(self.mida(self.mid1(h, temb), ctx), temb) + res_mid
        ai = 0
        for i, blk in enumerate(self.up):
            h = blk(torch.cat([h, skips.pop()], 1), temb)
            if i < 4:
                h = self.up_att[ai](h, ctx)
                ai += 1
            if i in (1, 3):
                h = self.upsample[i // 2](F.interpolate(h, scale_factor=2.0, mode='nearest'))
        return self.out(h)


# ---------------------------------------------------------------- segmenter

class Segmenter(nn.Module):
    def __init__(self, k, ch=(16, 32, 64, 96)):
        super().__init__()
        c0, c1, c2, c3 = ch
        self.e0 = nn.Sequential(nn.Conv2d(1, c0, 3, padding=1), nn.SiLU(), nn.Conv2d(c0, c0, 3, padding=1), nn.SiLU())
        self.e1 = nn.Sequential(nn.Conv2d(c0, c1, 3, stride=2, padding=1), nn.SiLU(), ResBlock(c1, c1))
        self.e2 = nn.Sequential(nn.Conv2d(c1, c2, 3, stride=2, padding=1), nn.SiLU(), ResBlock(c2, c2))
        self.e3 = nn.Sequential(nn.Conv2d(c2, c3, 3, stride=2, padding=1), nn.SiLU(), ResBlock(c3, c3), ResBlock(c3, c3))
        self.u2 = ResBlock(c3 + c2, c2)
        self.u1 = ResBlock(c2 + c1, c1)
        self.u0 = nn.Sequential(nn.Conv2d(c1 + c0, c0, 3, padding=1), nn.SiLU(), nn.Conv2d(c0, c0, 3, padding=1), nn.SiLU())
        self.out = nn.Conv2d(c0, k, 1)

    def forward(self, x):
        up = lambda h: F.interpolate(h, scale_factor=2.0, mode='nearest')
        h0 = self.e0(x)
        h1 = self.e1(h0)
        h2 = self.e2(h1)
        h3 = self.e3(h2)
        h = self.u2(torch.cat([up(h3), h2], 1))
        h = self.u1(torch.cat([up(h), h1], 1))
        h = self.u0(torch.cat([up(h), h0], 1))
        return self.out(h)
