#!/usr/bin/env python3
"""Writes a tiny, randomly initialised BERT question-answering model as a spanloop model
version directory (README, "Model version directory"): model.pt (torch.jit.script'ed), tokenizer.json (HuggingFace
WordPiece format) and config.json.

The module mirrors HuggingFace's BertForQuestionAnswering: same parameter names and the
same forward signature (input_ids, attention_mask, token_type_ids) -> (start_logits,
end_logits), so code that runs it runs any converted HF BERT-QA model. It is scripted, not
traced, so dropout works when the model is fine-tuned.

Needs only PyTorch (Debian: python3-torch). Deterministic for a given seed.

    python3 make_tiny_model.py OUT_DIR [--seed 7] [--hidden 64] [--layers 2] [--words FILE]
    python3 make_tiny_model.py --rescript VERSION_DIR   # this file's code, the weights kept
"""
import argparse
import hashlib
import json
import math
import os
import string
from typing import Tuple

import torch
from torch import nn

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# Words that make the tiny vocabulary; anything else is split into characters or becomes [UNK].
CORPUS = """
the a an of to in and or is are was were be been being it its this that these those on at by
for with from as into about over under after before between during without within what who
whom whose which where when why how many much some any all each every no not yes one two three
four five six seven eight nine ten hundred thousand million first second third last capital city
country river mountain lake sea ocean island king queen president company founded born died year
years day days month months time name named called known famous largest smallest longest highest
people population language languages spoken built team won game games play played player music
song book books wrote written author paris france london england berlin germany tokyo japan rome
italy madrid spain new york america united states china beijing water fire earth air sun moon star
red green blue black white color colour big small old young good bad long short high low north
south east west he she they we you i him her them his their our your my me us has have had do
does did can could will would should may might must shall also only other such than then there
here very more most less least up down out off again further once because while until if so just
now like over between both few own same too quantity answer question context text model version
""".split()


def build_vocab(extra_words=()):
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    words = sorted(set(CORPUS))
    vocab = list(SPECIAL_TOKENS)
    pieces = ["##" + c for c in string.ascii_lowercase + string.digits]
    for token in chars + pieces + words + list(extra_words):
        if token not in vocab:
            vocab.append(token)
    return {token: i for i, token in enumerate(vocab)}


def tokenizer_json(vocab, lowercase=True):
    special = [
        {
            "id": vocab[t],
            "content": t,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for t in SPECIAL_TOKENS
    ]

    def special_token(name, type_id):
        return {"SpecialToken": {"id": name, "type_id": type_id}}

    def sequence(name, type_id):
        return {"Sequence": {"id": name, "type_id": type_id}}

    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": special,
        "normalizer": {
            "type": "BertNormalizer",
            "clean_text": True,
            "handle_chinese_chars": True,
            "strip_accents": None,
            "lowercase": lowercase,
        },
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special_token("[CLS]", 0), sequence("A", 0), special_token("[SEP]", 0)],
            "pair": [
                special_token("[CLS]", 0),
                sequence("A", 0),
                special_token("[SEP]", 0),
                sequence("B", 1),
                special_token("[SEP]", 1),
            ],
            "special_tokens": {
                t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {
            "type": "WordPiece",
            "unk_token": "[UNK]",
            "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100,
            "vocab": vocab,
        },
    }


class Embeddings(nn.Module):
    def __init__(self, vocab_size: int, hidden: int, max_positions: int, dropout: float):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.position_embeddings = nn.Embedding(max_positions, hidden)
        self.token_type_embeddings = nn.Embedding(2, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        x = (
            self.word_embeddings(input_ids)
            + self.position_embeddings(positions)
            + self.token_type_embeddings(token_type_ids)
        )
        return self.dropout(self.LayerNorm(x))

    @torch.jit.export
    def to_bfloat16(self) -> None:
        with torch.no_grad():
            self.word_embeddings.weight = self.word_embeddings.weight.to(torch.bfloat16)
            self.position_embeddings.weight = self.position_embeddings.weight.to(torch.bfloat16)
            self.token_type_embeddings.weight = self.token_type_embeddings.weight.to(
                torch.bfloat16
            )
            self.LayerNorm.weight = self.LayerNorm.weight.to(torch.bfloat16)
            self.LayerNorm.bias = self.LayerNorm.bias.to(torch.bfloat16)


class SelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.head_size = hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.dropout = nn.Dropout(dropout)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.size()
        return x.view(b, n, self.heads, self.head_size).permute(0, 2, 1, 3)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size) + mask_bias
        probs = self.dropout(torch.softmax(scores, dim=-1))
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(x.size(0), x.size(1), self.heads * self.head_size)

    @torch.jit.export
    def to_bfloat16(self) -> None:
        with torch.no_grad():
            self.query.weight = self.query.weight.to(torch.bfloat16)
            self.query.bias = self.query.bias.to(torch.bfloat16)
            self.key.weight = self.key.weight.to(torch.bfloat16)
            self.key.bias = self.key.bias.to(torch.bfloat16)
            self.value.weight = self.value.weight.to(torch.bfloat16)
            self.value.bias = self.value.bias.to(torch.bfloat16)


class Output(nn.Module):
    """dense + dropout + residual + LayerNorm (HF's BertSelfOutput and BertOutput)."""

    def __init__(self, in_features: int, hidden: int, dropout: float):
        super().__init__()
        self.dense = nn.Linear(in_features, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)

    @torch.jit.export
    def to_bfloat16(self) -> None:
        with torch.no_grad():
            self.dense.weight = self.dense.weight.to(torch.bfloat16)
            self.dense.bias = self.dense.bias.to(torch.bfloat16)
            self.LayerNorm.weight = self.LayerNorm.weight.to(torch.bfloat16)
            self.LayerNorm.bias = self.LayerNorm.bias.to(torch.bfloat16)


class Attention(nn.Module):
    def __init__(self, hidden: int, heads: int, dropout: float):
        super().__init__()
        self.self = SelfAttention(hidden, heads, dropout)
        self.output = Output(hidden, hidden, dropout)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(x, mask_bias), x)


class Intermediate(nn.Module):
    def __init__(self, hidden: int, intermediate: int):
        super().__init__()
        self.dense = nn.Linear(hidden, intermediate)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.gelu(self.dense(x))

    @torch.jit.export
    def to_bfloat16(self) -> None:
        with torch.no_grad():
            self.dense.weight = self.dense.weight.to(torch.bfloat16)
            self.dense.bias = self.dense.bias.to(torch.bfloat16)


class Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, intermediate: int, dropout: float):
        super().__init__()
        self.attention = Attention(hidden, heads, dropout)
        self.intermediate = Intermediate(hidden, intermediate)
        self.output = Output(intermediate, hidden, dropout)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        attended = self.attention(x, mask_bias)
        return self.output(self.intermediate(attended), attended)

    @torch.jit.export
    def to_bfloat16(self) -> None:
        self.attention.self.to_bfloat16()
        self.attention.output.to_bfloat16()
        self.intermediate.to_bfloat16()
        self.output.to_bfloat16()


class Encoder(nn.Module):
    def __init__(self, layers: int, hidden: int, heads: int, intermediate: int, dropout: float):
        super().__init__()
        self.layer = nn.ModuleList(
            [Layer(hidden, heads, intermediate, dropout) for _ in range(layers)]
        )

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        for layer in self.layer:
            x = layer(x, mask_bias)
        return x

    @torch.jit.export
    def to_bfloat16(self) -> None:
        for layer in self.layer:
            layer.to_bfloat16()


class Bert(nn.Module):
    def __init__(self, vocab_size, hidden, layers, heads, intermediate, max_positions, dropout):
        super().__init__()
        self.embeddings = Embeddings(vocab_size, hidden, max_positions, dropout)
        self.encoder = Encoder(layers, hidden, heads, intermediate, dropout)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        x = self.embeddings(input_ids, token_type_ids)
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        return self.encoder(x, mask_bias)


class BertForQuestionAnswering(nn.Module):
    def __init__(self, vocab_size, hidden, layers, heads, intermediate, max_positions, dropout):
        super().__init__()
        self.bert = Bert(vocab_size, hidden, layers, heads, intermediate, max_positions, dropout)
        self.qa_outputs = nn.Linear(hidden, 2)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        hidden = self.bert(input_ids, attention_mask, token_type_ids)
        # the head runs in float32 whatever the encoder's precision (see use_bfloat16)
        logits = self.qa_outputs(hidden.to(self.qa_outputs.weight.dtype))
        start_logits, end_logits = logits.split(1, dim=-1)
        return start_logits.squeeze(-1), end_logits.squeeze(-1)

    @torch.jit.export
    def use_bfloat16(self) -> None:
        """Inference in bfloat16: every encoder parameter becomes a bfloat16 tensor (half the
        memory); the QA head and the logits stay float32. spanloop calls it when a model is
        loaded with model.precision=bf16."""
        self.bert.embeddings.to_bfloat16()
        self.bert.encoder.to_bfloat16()


class WithoutBfloat16(nn.Module):
    """The model behind a forward of its own, so the scripted file has no use_bfloat16 method:
    a model as spanloop made them before bf16 inference (the test that bf16 refuses one)."""

    def __init__(self, model: BertForQuestionAnswering):
        super().__init__()
        self.model = model

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        return self.model(input_ids, attention_mask, token_type_ids)


def init_weights(module: nn.Module):
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)


def rescript(directory: str):
    """Re-scripts a version directory's model.pt with this file's module code, keeping its
    weights (e.g. of a model trained since it was made), and updates the sha256 of model.pt in
    its metadata.json. The new file must give exactly the old one's logits."""
    path = os.path.join(directory, "model.pt")
    old = torch.jit.load(path)
    state = old.state_dict()
    vocab, hidden = state["bert.embeddings.word_embeddings.weight"].shape
    layer_ids = {k.split(".")[3] for k in state if k.startswith("bert.encoder.layer.")}
    first = getattr(old.bert.encoder.layer, "0")
    model = BertForQuestionAnswering(
        vocab,
        hidden,
        len(layer_ids),
        first.attention.self.heads,
        state["bert.encoder.layer.0.intermediate.dense.weight"].shape[0],
        state["bert.embeddings.position_embeddings.weight"].shape[0],
        dropout=old.bert.embeddings.dropout.p,
    )
    model.load_state_dict(state, strict=True)
    model.train(old.training)
    scripted = torch.jit.script(model)
    old.eval()
    scripted.eval()
    ids = torch.randint(5, vocab, (3, 40))
    mask = torch.ones_like(ids)
    mask[1, 30:] = 0
    types = torch.zeros_like(ids)
    types[:, 20:] = 1
    with torch.no_grad():
        expected, actual = old(ids, mask, types), scripted(ids, mask, types)
    assert all(torch.equal(e, a) for e, a in zip(expected, actual)), "rescripted logits differ"
    scripted.train(old.training)
    with open(path, "rb") as f:
        old_hash = hashlib.sha256(f.read()).hexdigest()
    scripted.save(path)
    with open(path, "rb") as f:
        new_hash = hashlib.sha256(f.read()).hexdigest()
    metadata = os.path.join(directory, "metadata.json")
    if os.path.exists(metadata):
        with open(metadata, encoding="utf-8") as f:
            text = f.read()
        with open(metadata, "w", encoding="utf-8") as f:
            f.write(text.replace(old_hash, new_hash))
    print(f"rescripted {path}: sha256 {new_hash}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", help="version directory to write (created)")
    parser.add_argument(
        "--without-bfloat16",
        action="store_true",
        help="write a model without the use_bfloat16 method (for a test)",
    )
    parser.add_argument(
        "--rescript",
        metavar="VERSION_DIR",
        help="re-script VERSION_DIR/model.pt with this code, keeping its weights",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--intermediate", type=int, default=128)
    parser.add_argument("--max-positions", type=int, default=512)
    parser.add_argument("--max-seq-length", type=int, default=128)
    parser.add_argument("--stride", type=int, default=32)
    parser.add_argument("--model-name", default="tiny-bert-qa")
    parser.add_argument(
        "--words",
        help="file with extra vocabulary entries, one per line (words, or ##pieces)",
    )
    args = parser.parse_args()
    if args.rescript:
        rescript(args.rescript)
        return
    if not args.out:
        parser.error("OUT_DIR is required")

    torch.manual_seed(args.seed)
    extra = []
    if args.words:
        with open(args.words, encoding="utf-8") as f:
            extra = [line.strip().lower() for line in f if line.strip()]
    vocab = build_vocab(extra)
    model = BertForQuestionAnswering(
        len(vocab), args.hidden, args.layers, args.heads, args.intermediate,
        args.max_positions, dropout=0.1,
    )
    init_weights(model)
    model.eval()
    scripted = torch.jit.script(WithoutBfloat16(model) if args.without_bfloat16 else model)

    os.makedirs(args.out, exist_ok=True)
    scripted.save(os.path.join(args.out, "model.pt"))
    with open(os.path.join(args.out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(vocab), f, ensure_ascii=False, indent=1)
    config = {
        "model_name": args.model_name,
        "arch": "bert",
        "inputs": ["input_ids", "attention_mask", "token_type_ids"],
        "lower_case": True,
        "max_seq_length": args.max_seq_length,
        "stride": args.stride,
        "max_query_length": 32,
        "max_answer_length": 30,
        "supports_null_answer": True,
        "null_score_margin": 0.0,
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
    }
    with open(os.path.join(args.out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")

    # Self-check: the saved file loads and gives the same logits as the in-memory module.
    ids = torch.tensor([[vocab["[CLS]"], vocab["what"], vocab["[SEP]"], vocab["paris"], vocab["[SEP]"]]])
    mask = torch.ones_like(ids)
    types = torch.tensor([[0, 0, 0, 1, 1]])
    expected = model(ids, mask, types)
    actual = torch.jit.load(os.path.join(args.out, "model.pt"))(ids, mask, types)
    assert all(torch.allclose(e, a) for e, a in zip(expected, actual)), "reload differs"
    params = sum(p.numel() for p in model.parameters())
    print(f"wrote {args.out}: vocab {len(vocab)}, {params} parameters")


if __name__ == "__main__":
    main()
