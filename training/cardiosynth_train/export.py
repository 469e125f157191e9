"""Writes a model pack in the project's format (docs/model-pack.md): the diffusers ONNX folder layout plus
cardiosynth.json. ONNX opset 17 (what Debian's onnx 1.12 checks), dynamic batch dimensions, weights inline."""
import json
import os

import onnx
import torch

from .diffusion import SCHEDULER_CONFIG

OPSET = 17


def _export(model, args, path, input_names, output_names, dynamic_axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.partial'
    model = model.eval()
    with torch.no_grad():
        torch.onnx.export(model, args, tmp, input_names=input_names, output_names=output_names, dynamic_axes=dynamic_axes,
                          opset_version=OPSET, do_constant_folding=True)
    m = onnx.load(tmp)
    onnx.checker.check_model(m)
    os.replace(tmp, path)


def export_models(pack, ae, text, unet, size, latent, k, max_length, width):
    h = size // 4
    _export(text, (torch.zeros(1, max_length, dtype=torch.int64),), os.path.join(pack, 'text_encoder', 'model.onnx'),
            ['input_ids'], ['last_hidden_state'], {'input_ids': {0: 'batch'}, 'last_hidden_state': {0: 'batch'}})
    from .models import VaeDecoderExport, VaeEncoderExport
    _export(VaeEncoderExport(ae), (torch.zeros(1, 1, size, size),), os.path.join(pack, 'vae_encoder', 'model.onnx'),
            ['sample'], ['latent_sample'], {'sample': {0: 'batch'}, 'latent_sample': {0: 'batch'}})
    _export(VaeDecoderExport(ae), (torch.zeros(1, latent, h, h),), os.path.join(pack, 'vae_decoder', 'model.onnx'),
            ['latent_sample'], ['sample'], {'latent_sample': {0: 'batch'}, 'sample': {0: 'batch'}})
    args = (torch.zeros(2, latent, h, h), torch.tensor([500.0, 500.0]), torch.zeros(2, max_length, width),
            torch.zeros(1, 2, k, size, size), torch.ones(1))
    _export(unet, args, os.path.join(pack, 'unet', 'model.onnx'),
            ['sample', 'timestep', 'encoder_hidden_states', 'controlnet_conds', 'conditioning_scales'], ['out_sample'],
            {'sample': {0: 'batch'}, 'timestep': {0: 'timestep_batch'}, 'encoder_hidden_states': {0: 'batch'},
             'controlnet_conds': {1: 'batch'}, 'out_sample': {0: 'batch'}})


def write_json(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.partial'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write('\n')
    os.replace(tmp, path)


def write_diffusers_files(pack):
    write_json(os.path.join(pack, 'scheduler', 'scheduler_config.json'), SCHEDULER_CONFIG)
    write_json(os.path.join(pack, 'model_index.json'), {
        '_class_name': 'OnnxStableDiffusionControlNetPipeline',
        '_diffusers_version': '0.21.0',
        'scheduler': ['diffusers', 'DDIMScheduler'],
        'text_encoder': ['diffusers', 'OnnxRuntimeModel'],
        'tokenizer': ['transformers', 'CLIPTokenizer'],
        'unet': ['diffusers', 'OnnxRuntimeModel'],
        'vae_decoder': ['diffusers', 'OnnxRuntimeModel'],
        'vae_encoder': ['diffusers', 'OnnxRuntimeModel'],
        'requires_safety_checker': False,
        'safety_checker': [None, None],
        'feature_extractor': [None, None],
    })
