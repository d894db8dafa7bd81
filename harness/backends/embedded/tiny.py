"""The `tiny` model: a seeded ~1M-parameter Llama with a byte-level BPE tokenizer, built offline in a second.

Its weights are random, so its answers are noise; it exists so tests, CI and the LoRA trainer run without a hub.
"""
from __future__ import annotations

from pathlib import Path

from harness.backends.embedded.cache import build_once, content_identity, models_dir
from harness.backends.embedded.tiny_corpus import corpus
from harness.backends.prompt_format import CHATML_TEMPLATE

#: Bump when anything below changes what is built, so old cache folders are not reused.
TINY_VERSION = "tiny-v1"
SEED = 1234
VOCAB_SIZE = 2048
PAD, IM_START, IM_END = "<|pad|>", "<|im_start|>", "<|im_end|>"
#: Ordinary (not special) added tokens, as in Qwen2.5: one id each, and kept when decoding skips special tokens.
TOOL_TAGS = ("<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>")
_ARCHITECTURE = dict(hidden_size=128, intermediate_size=256, num_hidden_layers=4, num_attention_heads=4,
                     num_key_value_heads=4, max_position_embeddings=4096, tie_word_embeddings=False,
                     rms_norm_eps=1e-6, rope_theta=10000.0,
                     # Wider than the usual 0.02: at 0.02 a random model repeats one token forever, and varied
                     # outputs are what make batching and ordering bugs visible in tests.
                     initializer_range=0.1)
WEIGHT_FILES = ("model.safetensors",)
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


def tiny_folder() -> Path:
    """The built `tiny` model (config, safetensors, tokenizer), building it on first use."""
    target = models_dir() / TINY_VERSION
    build_once(target, build_tiny)
    return target


def build_tiny(folder: Path) -> dict:
    """Write the tokenizer and the seeded model into `folder`; return their identity."""
    tokenizer = _train_tokenizer()
    model = _seeded_model(tokenizer)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return {"model": "tiny", "version": TINY_VERSION} | content_identity(folder, WEIGHT_FILES, TOKENIZER_FILES)


def _train_tokenizer():
    """Byte-level BPE on the fixed corpus (0.1 s). Special tokens come first, so their ids are 0, 1, 2."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    backend.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, min_frequency=2, show_progress=False,
                                  special_tokens=[PAD, IM_START, IM_END],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    backend.train_from_iterator(list(corpus()), trainer)
    backend.add_tokens([AddedToken(tag, special=False, normalized=False) for tag in TOOL_TAGS])
    # PreTrainedTokenizerFast (not AutoTokenizer) keeps exactly this pre-tokenizer when reloaded.
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token=IM_END, pad_token=PAD,
                                        bos_token=IM_START, model_max_length=_ARCHITECTURE["max_position_embeddings"])
    tokenizer.chat_template = CHATML_TEMPLATE  # has {% generation %} markers, which the LoRA trainer needs
    return tokenizer


def _seeded_model(tokenizer):
    """The same random weights on every machine with the same torch: seed in a forked RNG, leave the caller's alone."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, **_ARCHITECTURE)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        model = LlamaForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model
