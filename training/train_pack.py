#!/usr/bin/python3
"""Trains a label- and text-conditioned latent diffusion model on a dataset folder and exports a Cardiosynth
model pack (docs/model-pack.md): diffusers ONNX layout + cardiosynth.json, with a training report.

  /usr/bin/python3 training/train_pack.py --data DIR --out PACK [options]

DIR is a CAMUS 2023 NIfTI tree or an EchoNet-Dynamic folder, real or made by `bin/cardiosynth phantom`.
Stages: tokenizer (CLIP BPE over the prompt vocabulary) -> autoencoder -> segmenter (for the adherence metric)
-> text encoder + ControlNet UNet -> ONNX export -> evaluation through onnxruntime-node -> report. Every stage
is seeded; finished stages are kept in the work folder (--work, default PACK.work) and --resume reuses them.
Runs on the CPU with Debian's torch (--threads threads), or on a CUDA GPU when torch sees one (--device).
"""
import os

# Threads sleep at OpenMP barriers instead of spinning: on a CPU shared with other work, spinning libgomp
# threads burn their time slices waiting for each other (measured here: 8x slower steps under load).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import argparse  # noqa: E402
import datetime
import json  # noqa: E402
import shlex
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cardiosynth_train import clip_tokenizer, prompts  # noqa: E402
from cardiosynth_train.datasets import LABEL_COLORS, DatasetError, read_dataset  # noqa: E402
from cardiosynth_train.diffusion import ddim_sample  # noqa: E402
from cardiosynth_train.evaluate import REPO, adherence, onnx_generate  # noqa: E402
from cardiosynth_train.export import export_models, write_diffusers_files, write_json  # noqa: E402
from cardiosynth_train.models import Autoencoder, ControlUNet, Segmenter, TextEncoder  # noqa: E402
from cardiosynth_train.report import loss_curves, sample_grid, write_metrics  # noqa: E402
from cardiosynth_train import trainers  # noqa: E402
from cardiosynth_train.trainers import (dev, encode_latents, finetune_decoder, log, one_hot, segment, dice_per_label,  # noqa: E402
                                        train_autoencoder, train_denoiser, train_segmenter)

# The fine-tune trades pixel fidelity for texture: its reconstruction loss rises while speckle comes back.
GAN_CURVE = 'decoder fine-tune (reconstruction)'

SIZES = {
    'default': dict(ae_ch=(32, 48, 64), unet_ch=(48, 96, 96), control_ch=(24, 48, 48), seg_ch=(12, 24, 48, 64), text_width=64, text_layers=2),
    'smoke': dict(ae_ch=(8, 16, 16), unet_ch=(16, 32, 32), control_ch=(8, 16, 16), seg_ch=(8, 16, 16, 16), text_width=32, text_layers=1),
}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', required=True, help='dataset folder (CAMUS 2023 NIfTI or EchoNet-Dynamic layout)')
    p.add_argument('--out', required=True, help='pack folder to write (created; must not hold a pack unless --force)')
    p.add_argument('--id', default='phantom-echo-112', help='pack id, [a-z0-9-]')
    p.add_argument('--name', default=None)
    p.add_argument('--version', default='1.0.0')
    p.add_argument('--license', default='CC-BY-4.0')
    p.add_argument('--knows', default=None, help='provenance.knows (default: derived from the data)')
    p.add_argument('--size', type=int, default=112, help='image size (square), a multiple of 16')
    p.add_argument('--seed', type=int, default=1234)
    p.add_argument('--threads', type=int, default=2, help='CPU threads for torch')
    p.add_argument('--device', default='auto', help="auto (CUDA when torch sees a GPU, else CPU), cpu, cuda or cuda:N")
    p.add_argument('--model-size', choices=sorted(SIZES), default='default')
    p.add_argument('--smoke', action='store_true', help='tiny models and a few dozen steps (CI): --model-size smoke and small step counts')
    p.add_argument('--ae-steps', type=int, default=800)
    p.add_argument('--seg-steps', type=int, default=1000)
    p.add_argument('--unet-steps', type=int, default=2500)
    p.add_argument('--decoder-gan-steps', type=int, default=400, help='adversarial fine-tuning of the decoder after the denoiser (0: none)')
    p.add_argument('--batch', type=int, default=32, help='denoiser batch')
    p.add_argument('--ae-batch', type=int, default=12)
    p.add_argument('--seg-batch', type=int, default=12)
    p.add_argument('--lr', type=float, default=3e-4)
    p.add_argument('--max-frames-per-study', type=int, default=None)
    p.add_argument('--eval-count', type=int, default=48, help='held-out label maps for the adherence metric')
    p.add_argument('--eval-steps', type=int, default=25, help='DDIM steps in evaluation (the pack default)')
    p.add_argument('--eval-every', type=int, default=500, help='PyTorch adherence check every N denoiser steps (log only)')
    p.add_argument('--guidance', type=float, default=3.0)
    p.add_argument('--no-eval', action='store_true', help='skip the segmenter and the adherence metric')
    p.add_argument('--work', default=None, help='work folder for stage checkpoints (default OUT.work)')
    p.add_argument('--resume', action='store_true', help='reuse finished stages found in the work folder')
    p.add_argument('--force', action='store_true', help='overwrite an existing pack in OUT')
    a = p.parse_args(argv)
    if a.smoke:
        a.model_size = 'smoke'
        for k, v in dict(ae_steps=30, seg_steps=20, unet_steps=40, decoder_gan_steps=10, batch=8, ae_batch=8, seg_batch=8, eval_count=2, eval_steps=3, eval_every=0).items():
            if getattr(a, k) == p.get_default(k):
                setattr(a, k, v)
    if a.size % 16:
        p.error('--size must be a multiple of 16')
    return a


def git_commit():
    try:
        head = subprocess.run(['git', '-C', REPO, 'rev-parse', 'HEAD'], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(['git', '-C', REPO, 'status', '--porcelain', '--untracked-files=no'], capture_output=True, text=True).stdout.strip()
        return head + ('-dirty' if dirty else '')
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


def dataset_provenance(root):
    p = os.path.join(root, 'cardiosynth-dataset.json')
    if os.path.exists(p):
        with open(p) as f:
            return json.load(f)
    return None


def pick_eval(frames, count, seed):
    """Held-out frames: the test split (else val), spread over studies, ED/ES first."""
    for split in ('test', 'val'):
        idx = np.nonzero(frames.splits == split)[0]
        if len(idx):
            break
    else:
        idx = np.arange(len(frames))
    rng = np.random.default_rng(seed)
    phased = [i for i in idx if frames.fields[i].get('phase')]
    other = [i for i in idx if not frames.fields[i].get('phase')]
    rng.shuffle(phased)
    rng.shuffle(other)
    chosen = (phased + other)[:count]
    return np.array(sorted(chosen))


def main(argv):
    a = parse_args(argv)
    torch.set_num_threads(a.threads)
    device = ('cuda' if torch.cuda.is_available() else 'cpu') if a.device == 'auto' else a.device
    trainers.set_device(device)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    sz = SIZES[a.model_size]
    out = os.path.abspath(a.out)
    work = os.path.abspath(a.work or out.rstrip('/') + '.work')
    if os.path.exists(os.path.join(out, 'cardiosynth.json')) and not a.force:
        sys.exit(f'train_pack: {out} already holds a pack; pass --force to replace it')
    os.makedirs(work, exist_ok=True)
    report = os.path.join(out, 'report')
    os.makedirs(report, exist_ok=True)
    command = 'python3 training/train_pack.py ' + ' '.join(shlex.quote(x) for x in argv)
    t_start = time.time()
    log(f'train_pack: {command} (device {device}, {a.threads} CPU threads)')

    # 1. data
    try:
        data = read_dataset(a.data, a.size, a.max_frames_per_study)
    except DatasetError as e:
        sys.exit(f'train_pack: {e}')
    k = max(data.label_names) + 1
    train = data.select(data.splits == 'train')
    if len(train) == 0:
        train = data
    eval_idx = pick_eval(data, a.eval_count, a.seed)
    log(f'data: {data.layout} {data.root}: {len(data)} labelled frames ({len(train)} train), {k} labels {data.label_names}, '
        f'{len(set(data.studies))} studies; {len(eval_idx)} held-out frames for evaluation')

    # 2. tokenizer
    vocab, merges = clip_tokenizer.train_bpe(prompts.corpus_for_vocab())
    clip_tokenizer.save_tokenizer(os.path.join(out, 'tokenizer'), vocab, merges)
    tok = clip_tokenizer.ClipTokenizer(vocab, merges)
    log(f'tokenizer: {len(vocab)} tokens, {len(merges)} merges')

    # 3. autoencoder
    ae = dev(Autoencoder(sz['ae_ch']))
    ae_path = os.path.join(work, 'autoencoder.pt')
    curves = {}
    reused = []
    if a.resume and os.path.exists(ae_path):
        ck = torch.load(ae_path, map_location=device)
        ae.load_state_dict(ck['model'])
        curves['autoencoder'] = ck['losses']
        log('autoencoder: reused from the work folder')
        reused.append('autoencoder')
    else:
        curves['autoencoder'] = train_autoencoder(ae, train.images, a.ae_steps, a.ae_batch, 1e-3, a.seed + 1)
        torch.save({'model': ae.state_dict(), 'losses': curves['autoencoder']}, ae_path)
    ae.eval()
    z = encode_latents(ae, train.images)
    scaling = float(1.0 / z.std())
    latents = z * scaling
    log(f'latents: {tuple(latents.shape)}, scaling_factor {scaling:.5f}')

    # 4. segmenter (measures adherence)
    seg = None
    if not a.no_eval:
        seg = dev(Segmenter(k, ch=sz['seg_ch']))
        seg_path = os.path.join(work, 'segmenter.pt')
        if a.resume and os.path.exists(seg_path):
            ck = torch.load(seg_path, map_location=device)
            seg.load_state_dict(ck['model'])
            curves['segmenter'] = ck['losses']
            log('segmenter: reused from the work folder')
            reused.append('segmenter')
        else:
            curves['segmenter'] = train_segmenter(seg, train.images, train.labels, k, a.seg_steps, a.seg_batch, 2e-3, a.seed + 2)
            torch.save({'model': seg.state_dict(), 'losses': curves['segmenter']}, seg_path)
        seg.eval()

    # 5. text encoder + ControlNet UNet
    text = dev(TextEncoder(len(vocab), width=sz['text_width'], layers=sz['text_layers']))
    unet = dev(ControlUNet(latent=4, k=k, ctx=sz['text_width'], ch=sz['unet_ch'], control_ch=sz['control_ch']))
    log(f'denoiser: UNet {sum(p.numel() for p in unet.parameters()) / 1e6:.2f}M, text encoder {sum(p.numel() for p in text.parameters()) / 1e6:.2f}M parameters')
    den_path = os.path.join(work, 'denoiser.pt')
    eval_fields = [data.fields[i] for i in eval_idx]
    eval_prompts = [prompts.compose(f) for f in eval_fields]
    eval_labels = data.labels[eval_idx]
    eval_real = data.images[eval_idx]
    g = torch.Generator().manual_seed(a.seed + 7)
    eval_noise = torch.randn((len(eval_idx), 4, a.size // 4, a.size // 4), generator=g)
    uncond_ids = tok('')
    cond_ids = [tok(p) for p in eval_prompts]
    progress = []

    def torch_check(step, ema_u, ema_t, losses):
        if seg is None:
            return
        n = min(16, len(eval_idx))
        with torch.no_grad():
            ctx = ema_t(dev(torch.tensor(cond_ids[:n])))
            uctx = ema_t(dev(torch.tensor([uncond_ids] * n)))
            lat = ddim_sample(ema_u, ctx, uctx, one_hot(eval_labels[:n], k), (n, 4, a.size // 4, a.size // 4), steps=a.eval_steps,
                              guidance=a.guidance, init_noise=eval_noise[:n])
            img = ae.decoder(lat / scaling).clamp(-1, 1)
        gen = ((img[:, 0].cpu().numpy() + 1) * 127.5).round().astype(np.uint8)
        d = dice_per_label(segment(seg, gen), eval_labels[:n], k)
        progress.append({'step': step, 'dice_mean': float(np.mean(list(d.values()))), 'per_label': d})
        log(f'check at step {step}: PyTorch-generated Dice mean {np.mean(list(d.values())):.3f} {({l: round(v, 3) for l, v in d.items()})}')
        torch.save({'unet': ema_u.state_dict(), 'text': ema_t.state_dict(), 'losses': losses, 'step': step}, den_path + '.partial')

    if a.resume and os.path.exists(den_path):
        ck = torch.load(den_path, map_location=device)
        unet.load_state_dict(ck['unet'])
        text.load_state_dict(ck['text'])
        curves['denoiser'] = ck['losses']
        progress = ck.get('progress', [])
        log('denoiser: reused from the work folder')
        reused.append('denoiser')
    else:
        losses, ema_u, ema_t = train_denoiser(unet, text, tok, latents, train.labels, train.fields, k, a.unet_steps, a.batch, a.lr, a.seed + 3,
                                              on_checkpoint=torch_check, checkpoint_every=a.eval_every)
        unet.load_state_dict(ema_u.state_dict())
        text.load_state_dict(ema_t.state_dict())
        curves['denoiser'] = losses
        torch.save({'unet': unet.state_dict(), 'text': text.state_dict(), 'losses': losses, 'progress': progress}, den_path)
    unet.eval()
    text.eval()

    # 5b. sharper decoder (the encoder and so the latent space stay as they were)
    if a.decoder_gan_steps > 0:
        gan_path = os.path.join(work, 'decoder-gan.pt')
        if a.resume and os.path.exists(gan_path):
            ck = torch.load(gan_path, map_location=device)
            ae.decoder.load_state_dict(ck['decoder'])
            curves[GAN_CURVE] = ck['losses']
            log('decoder fine-tune: reused from the work folder')
            reused.append('decoder fine-tune')
        else:
            curves[GAN_CURVE] = finetune_decoder(ae, train.images, a.decoder_gan_steps, a.ae_batch, 1e-4, a.seed + 4)
            torch.save({'decoder': ae.decoder.state_dict(), 'losses': curves[GAN_CURVE]}, gan_path)
        ae.eval()

    # 6. export; export and evaluation run on the CPU whatever trained the models
    ae, text, unet = ae.cpu(), text.cpu(), unet.cpu()
    seg = seg.cpu() if seg is not None else None
    trainers.set_device('cpu')
    export_models(out, ae, text, unet, a.size, 4, k, 77, sz['text_width'])
    write_diffusers_files(out)
    prov = dataset_provenance(data.root)
    synthetic = bool(prov and prov.get('synthetic'))
    present = {f: sorted({fl[f] for fl in data.fields if fl.get(f)}, key=prompts.FIELDS[f].index) for f in prompts.FIELD_ORDER}
    fields = {f: v for f, v in present.items() if v}
    example = prompts.compose({f: (v[-1] if f == 'view' else v[0]) for f, v in fields.items()})
    knows = a.knows or ('phantom hearts only: not trained on any patient data' if synthetic else f'the {data.layout} data it was trained on ({data.root})')
    data_desc = (f"{data.layout} folder {os.path.relpath(data.root, REPO) if data.root.startswith(REPO) else data.root}: {len(set(data.studies))} studies, "
                 f"{len(data)} labelled frames at {a.size}x{a.size}")
    if prov and prov.get('command'):
        data_desc += f"; made by `{prov['command']}`"
    manifest = {
        'format': 'cardiosynth-pack/1',
        'id': a.id,
        'name': a.name or ('Phantom echo ({} px)'.format(a.size) if synthetic else f'{a.id} ({a.size} px)'),
        'version': a.version,
        'description': ('Label- and text-conditioned latent diffusion for apical echo frames, trained on Cardiosynth phantom hearts '
                        '(parametric label cines rendered to B-mode). It knows phantom hearts only.' if synthetic else
                        f'Label- and text-conditioned latent diffusion trained on {data.layout} data.'),
        'license': a.license,
        'modality': 'echo',
        'resolution': {'width': a.size, 'height': a.size},
        'channels': 1,
        'frames': 1,
        'latent': {'channels': 4, 'scale_factor': 4, 'scaling_factor': round(scaling, 6)},
        'text': {'max_length': 77, 'width': sz['text_width']},
        'conditioning': {'kind': 'label-map', 'encoding': 'one-hot', 'channels': k,
                         'labels': [{'value': v, 'name': data.label_names[v], 'color': LABEL_COLORS.get(v, '#ffffff')} for v in range(k)]},
        'prompt': {'fields': fields, 'template': prompts.TEMPLATE, 'example': example, 'negative_default': ''},
        'defaults': {'scheduler': 'ddim', 'steps': 25, 'guidance': a.guidance, 'control_scale': 1.0},
        'provenance': {
            'synthetic_training_data': synthetic,
            'data': data_desc,
            'command': command,
            'commit': git_commit(),
            'seed': a.seed,
            'created': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
            'knows': knows,
        },
    }
    write_json(os.path.join(out, 'cardiosynth.json'), manifest)
    write_reference(out, a, tok, text, unet, ae, scaling, eval_labels[0] if len(eval_labels) else data.labels[0], eval_noise[0], example)

    # 7. evaluation through onnxruntime-node, and the report
    metrics = {'command': command, 'seed': a.seed, 'data': data_desc, 'frames': len(data), 'train_frames': len(train),
               'labels': {str(v): n for v, n in data.label_names.items()}, 'steps': {'autoencoder': a.ae_steps, 'segmenter': a.seg_steps if seg else 0, 'denoiser': a.unet_steps, 'decoder_fine_tune': a.decoder_gan_steps},
               'final_loss': {kk: float(np.mean(v[-50:])) for kk, v in curves.items() if v}, 'progress': progress}
    gen = pred = None
    if seg is not None and len(eval_idx):
        gen, timing = onnx_generate(out, cond_ids, uncond_ids, eval_labels, eval_noise.numpy(), a.eval_steps, a.guidance, 1.0, os.path.join(work, 'eval'), a.threads)
        dice, pred = adherence(seg, gen, eval_real, eval_labels, k, data.label_names)
        dice.update({'images': len(eval_idx), 'split': 'test' if (data.splits[eval_idx] == 'test').all() else 'held-out',
                     'steps': a.eval_steps, 'guidance': a.guidance, 'control_scale': 1.0, 'generated_with': 'onnxruntime-node (training/ort/generate.ts)'})
        metrics['label_adherence_dice'] = dice
        metrics['onnx_cpu_ms_per_image'] = round(timing['ms_per_image'], 1)
        manifest['metrics'] = {'label_adherence_dice': {'mean': dice['mean'], 'per_label': dice['per_label'], 'images': dice['images'],
                                                         'steps': a.eval_steps, 'guidance': a.guidance, 'segmenter_on_real_images': dice['segmenter_on_real_images']['mean']}}
        write_json(os.path.join(out, 'cardiosynth.json'), manifest)
    loss_curves(os.path.join(report, 'loss.png'), curves, progress)
    if gen is not None:
        sample_grid(os.path.join(report, 'samples.png'), eval_labels, gen, pred, eval_real, eval_prompts, LABEL_COLORS, n=8)
    metrics['wall_clock_minutes'] = round((time.time() - t_start) / 60, 1)
    metrics['stages_reused_from_work_folder'] = reused  # their time is not in wall_clock_minutes
    write_metrics(os.path.join(report, 'metrics.json'), metrics)
    log(f'pack written to {out} ({metrics["wall_clock_minutes"]} min)')


def write_reference(out, a, tok, text, unet, ae, scaling, labels, noise, prompt):
    """report/reference/: one fixed input and the PyTorch outputs of every model for it, so onnxruntime results
    can be checked against PyTorch later (tests do, for the committed pack)."""
    ref = os.path.join(out, 'report', 'reference')
    os.makedirs(ref, exist_ok=True)
    ids = tok(prompt)
    k = unet.hint.k
    with torch.no_grad():
        ctx = text(torch.tensor([ids]))
        sample = (noise * 1.0)[None]
        hint = one_hot(labels[None], k)[None]
        eps = unet(sample, torch.tensor([981.0]), ctx, hint, torch.tensor([1.0]))
        dec = ae.decoder(sample / scaling)
    labels.astype(np.uint8).tofile(os.path.join(ref, 'labels.u8'))
    sample.numpy().astype(np.float32).tofile(os.path.join(ref, 'sample.f32'))
    ctx.numpy().astype(np.float32).tofile(os.path.join(ref, 'text.f32'))
    eps.numpy().astype(np.float32).tofile(os.path.join(ref, 'unet.f32'))
    dec.numpy().astype(np.float32).tofile(os.path.join(ref, 'decoded.f32'))
    write_json(os.path.join(ref, 'reference.json'), {
        'prompt': prompt, 'input_ids': ids, 'timestep': 981, 'control_scale': 1.0,
        'files': {'labels': 'labels.u8', 'sample': 'sample.f32', 'text_encoder': 'text.f32', 'unet': 'unet.f32', 'vae_decoder': 'decoded.f32'},
        'note': 'PyTorch outputs for these inputs: text_encoder(input_ids), unet(sample, timestep, text, one-hot labels, scale), vae_decoder(sample / scaling_factor)',
    })


if __name__ == '__main__':
    main(sys.argv[1:])
