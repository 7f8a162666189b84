"""Tiny random-weight models built from configs, saved like real ones (nothing downloaded).

Each ``make_*`` writes a model folder the backends load with their real
loading code: a Stable Diffusion pipeline (UNet + VAE + CLIP text encoder +
tokenizer + scheduler, ``save_pretrained``), a MusicGen model with its
tokenizer, and a VITS text-to-speech model with its tokenizer.
"""

from __future__ import annotations

import json
from pathlib import Path


def _clip_tokenizer(folder: Path) -> None:
    """A byte-level CLIP BPE tokenizer with no merges (every letter is a token)."""
    from transformers import CLIPTokenizer

    # GPT-2's byte → printable character table (CLIP's byte-level alphabet)
    bs = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    bs += list(range(ord("®"), ord("ÿ") + 1))
    cs, n = list(bs), 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    chars = [chr(c) for c in cs]
    vocab: dict[str, int] = {}
    for c in chars:
        vocab.setdefault(c, len(vocab))
    for c in chars:
        vocab.setdefault(c + "</w>", len(vocab))
    for t in ("<|startoftext|>", "<|endoftext|>"):
        vocab[t] = len(vocab)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    tok = CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"))
    tok.model_max_length = 77
    tok.save_pretrained(folder)


def make_sd_pipeline(folder: Path) -> Path:
    """A Stable Diffusion pipeline with ~1 M random weights, native size 64×64."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        norm_num_groups=8,
        attention_head_dim=4,
    )
    vae = AutoencoderKL(
        block_out_channels=(32, 64),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=8,
        sample_size=64,
    )
    tok_dir = folder.parent / f"{folder.name}-tok"
    _clip_tokenizer(tok_dir)
    tokenizer = CLIPTokenizer.from_pretrained(tok_dir)
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id or 0,
            hidden_size=32,
            intermediate_size=37,
            num_attention_heads=4,
            num_hidden_layers=2,
            vocab_size=len(tokenizer),
            max_position_embeddings=77,
        )
    )
    pipe = StableDiffusionPipeline(
        unet=unet,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        scheduler=EulerDiscreteScheduler(steps_offset=1),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder)
    return folder


def _word_tokenizer(folder: Path, words: list[str]) -> None:
    """A word-level fast tokenizer (pad 0, unk 1, eos 2) saved with tokenizer.json."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "<unk>": 1, "</s>": 2}
    for w in words:
        vocab.setdefault(w, len(vocab))
    tk = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tk, pad_token="<pad>", unk_token="<unk>", eos_token="</s>"
    )
    fast.save_pretrained(folder)


def make_musicgen(folder: Path) -> Path:
    """A MusicGen with a 2-layer decoder, 4 codebooks of 64 and a tiny 32 kHz EnCodec."""
    import torch
    from transformers import (
        EncodecConfig,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        T5Config,
    )

    torch.manual_seed(0)
    words = "slow ambient piano melancholy film score for the scene instrumental no vocals".split()
    text = T5Config(
        vocab_size=len(words) + 3, d_model=16, d_kv=4, d_ff=32, num_layers=1, num_heads=2
    )
    audio = EncodecConfig(
        sampling_rate=32000,
        hidden_size=16,
        num_filters=4,
        upsampling_ratios=[8, 5, 4, 4],
        codebook_size=64,
        num_lstm_layers=1,
        target_bandwidths=[2.2],
        audio_channels=1,
    )
    decoder = MusicgenDecoderConfig(
        vocab_size=64,
        max_position_embeddings=512,
        num_hidden_layers=2,
        ffn_dim=32,
        num_attention_heads=2,
        hidden_size=16,
        num_codebooks=4,
        pad_token_id=64,
        bos_token_id=64,
    )
    config = MusicgenConfig(
        text_encoder=text.to_dict(), audio_encoder=audio.to_dict(), decoder=decoder.to_dict()
    )
    model = MusicgenForConditionalGeneration(config)
    with torch.no_grad():  # EnCodec's codebooks start as zeros: give each code its own sound
        for layer in model.audio_encoder.quantizer.layers:
            layer.codebook.embed.normal_()
    model.generation_config.decoder_start_token_id = 64
    model.generation_config.pad_token_id = 64
    model.generation_config.max_length = 512
    model.save_pretrained(folder)
    _word_tokenizer(folder, words)
    return folder


def make_vits(folder: Path) -> Path:
    """A VITS voice (transformers VitsModel) with a letter vocabulary, 16 kHz, hop 64."""
    import torch
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    torch.manual_seed(0)
    letters = list("abcdefghijklmnopqrstuvwxyz' ")
    vocab = {"<pad>": 0, **{c: i + 1 for i, c in enumerate(letters)}}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    tok = VitsTokenizer(str(folder / "vocab.json"), add_blank=True, normalize=True, phonemize=False)
    tok.save_pretrained(folder)
    config = VitsConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        ffn_dim=16,
        flow_size=16,
        spectrogram_bins=33,
        upsample_initial_channel=16,
        upsample_rates=[8, 8],
        upsample_kernel_sizes=[16, 16],
        resblock_kernel_sizes=[3],
        resblock_dilation_sizes=[[1, 3]],
        duration_predictor_filter_channels=16,
        duration_predictor_num_flows=1,
        prior_encoder_num_flows=1,
        prior_encoder_num_wavenet_layers=1,
        posterior_encoder_num_wavenet_layers=1,
        depth_separable_num_layers=1,
        sampling_rate=16000,
        pad_token_id=0,
    )
    VitsModel(config).save_pretrained(folder)
    return folder
