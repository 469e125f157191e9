"""The noise schedule and DDIM sampling, as diffusers' DDPMScheduler / DDIMScheduler define them for Stable
Diffusion (scaled_linear betas 0.00085..0.012 over 1000 steps, epsilon prediction, leading timestep spacing with
steps_offset 1, set_alpha_to_one false). The pack's scheduler_config.json says the same, so the workstation's
DDIM and this one take identical steps."""
import torch

SCHEDULER_CONFIG = {
    '_class_name': 'DDIMScheduler',
    '_diffusers_version': '0.21.0',
    'beta_start': 0.00085,
    'beta_end': 0.012,
    'beta_schedule': 'scaled_linear',
    'num_train_timesteps': 1000,
    'clip_sample': False,
    'set_alpha_to_one': False,
    'steps_offset': 1,
    'prediction_type': 'epsilon',
    'timestep_spacing': 'leading',
    'trained_betas': None,
    'thresholding': False,
}


def alphas_cumprod(cfg=SCHEDULER_CONFIG):
    n = cfg['num_train_timesteps']
    betas = torch.linspace(cfg['beta_start'] ** 0.5, cfg['beta_end'] ** 0.5, n, dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, 0)


def add_noise(x0, noise, t, ac):
    a = ac[t].float().sqrt()[:, None, None, None]
    s = (1 - ac[t]).float().sqrt()[:, None, None, None]
    return a * x0 + s * noise


def min_snr_weights(t, ac, gamma=5.0):
    """Min-SNR-gamma loss weights for epsilon prediction (Hang et al. 2023): min(SNR, gamma) / SNR."""
    snr = ac[t] / (1 - ac[t])
    return (torch.clamp(snr, max=gamma) / snr).float()


def ddim_timesteps(steps, cfg=SCHEDULER_CONFIG):
    ratio = cfg['num_train_timesteps'] // steps
    return [i * ratio + cfg['steps_offset'] for i in reversed(range(steps))]


@torch.no_grad()
def ddim_sample(unet, cond_ctx, uncond_ctx, hint, shape, steps=25, guidance=3.0, control_scale=1.0, generator=None, init_noise=None):
    """Classifier-free guided DDIM (eta 0). Returns scaled latents (divide by scaling_factor before decoding)."""
    device = hint.device
    ac = alphas_cumprod().to(device)
    ratio = SCHEDULER_CONFIG['num_train_timesteps'] // steps
    x = (init_noise if init_noise is not None else torch.randn(shape, generator=generator)).to(device)
    b = shape[0]
    scale = torch.tensor([control_scale], dtype=torch.float32, device=device)
    ctx = torch.cat([uncond_ctx, cond_ctx]) if guidance != 1.0 else cond_ctx
    hints = torch.cat([hint, hint])[None] if guidance != 1.0 else hint[None]
    for t in ddim_timesteps(steps):
        xin = torch.cat([x, x]) if guidance != 1.0 else x
        eps = unet(xin, torch.full((xin.shape[0],), float(t), device=device), ctx, hints, scale)
        if guidance != 1.0:
            eu, ec = eps[:b], eps[b:]
            eps = eu + guidance * (ec - eu)
        a_t = ac[t].float()
        prev = t - ratio
        a_prev = ac[prev].float() if prev >= 0 else ac[0].float()
        x0 = (x - (1 - a_t).sqrt() * eps) / a_t.sqrt()
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x
