#!/usr/bin/env python3
"""Writes the architecture templates of the Java model importer (io.spanloop.qa.imports) and the
small HuggingFace-layout checkpoints its tests import.

Templates (qa-core/src/main/resources/io/spanloop/qa/imports/templates/<arch>.pt): a scripted
question-answering module per architecture (bert, roberta, distilbert) with tiny dimensions. The
importer, in Java only, loads one with DJL, replaces every parameter by the pretrained tensor
(exported methods `assign`, a `set_` of a contiguous copy, so any shape goes, or `resize` and
`assign_layer` for the stacked per-layer tensors, one layer at a time), sets the structural
numbers (exported `set_int` / `set_float`: heads, activation, LayerNorm epsilon, dropouts, pad id)
and saves the grown module. The layers are not a ModuleList: each per-layer HF parameter is one
tensor with a leading layer dimension (e.g. `bert.encoder.layer.attention.self.query.weight` is
[layers, hidden, hidden] and holds HF's `bert.encoder.layer.N.attention.self.query.weight` at
index N), so one template serves any number of layers and a grown model has no unused parameters.
forward keeps the spanloop contract, (input_ids, attention_mask[, token_type_ids]) ->
(start_logits, end_logits), and is scripted, so dropout works when the model is fine-tuned;
`encode` returns the encoder's last hidden state (for parity checks).

Fixtures (qa-core/src/test/resources/imports/<name>/): config.json, model.safetensors (written by
hand: there is no safetensors package here), tokenizer.json, and expected.json: outputs of an
independent eager re-implementation of the HF modules (per-layer nn.Linear / nn.LayerNorm /
nn.Embedding, HF parameter names) on fixed input ids.

Needs only PyTorch (Debian: python3-torch). Deterministic.

    python3 make_templates.py [--templates DIR] [--fixtures DIR]
"""
import argparse
import hashlib
import json
import math
import os
import struct
import sys
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_tiny_model  # noqa: E402  (the WordPiece vocabulary and tokenizer.json writer)

# 2: use_bfloat16 (CPU bf16 inference; the QA head stays float32)
TEMPLATE_VERSION = 2

# activation codes of the templates (set_int("activation", code)); the Java importer maps HF's
# hidden_act names onto them
ACT_GELU = 0  # "gelu": exact, erf
ACT_GELU_TANH = 1  # "gelu_new", "gelu_pytorch_tanh", "gelu_fast": tanh approximation
ACT_RELU = 2  # "relu"
ACT_SILU = 3  # "silu", "swish"

HERE = os.path.dirname(os.path.abspath(__file__))
QA_CORE = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
TEMPLATE_DIR = os.path.join(QA_CORE, "src/main/resources/io/spanloop/qa/imports/templates")
FIXTURE_DIR = os.path.join(QA_CORE, "src/test/resources/imports")


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


def activation(x: torch.Tensor, code: int) -> torch.Tensor:
    if code == 0:
        return F.gelu(x)
    if code == 1:
        return F.gelu(x, approximate="tanh")
    if code == 2:
        return F.relu(x)
    if code == 3:
        return F.silu(x)
    raise ValueError("unknown activation code " + str(code))


def layer_norm(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, eps: float) -> torch.Tensor:
    return F.layer_norm(x, [x.size(-1)], w, b, eps)


def mask_bias(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    # HF's extended attention mask: (1 - mask) * torch.finfo(dtype).min
    lowest = -3.3895313892515355e38 if dtype == torch.bfloat16 else -3.4028234663852886e38
    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * lowest


def self_attention(
    x: torch.Tensor,
    bias: torch.Tensor,
    qw: torch.Tensor,
    qb: torch.Tensor,
    kw: torch.Tensor,
    kb: torch.Tensor,
    vw: torch.Tensor,
    vb: torch.Tensor,
    heads: int,
    dropout: float,
    training: bool,
) -> torch.Tensor:
    b, n, hidden = x.size(0), x.size(1), x.size(2)
    d = hidden // heads
    q = F.linear(x, qw, qb).view(b, n, heads, d).transpose(1, 2)
    k = F.linear(x, kw, kb).view(b, n, heads, d).transpose(1, 2)
    v = F.linear(x, vw, vb).view(b, n, heads, d).transpose(1, 2)
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(float(d)) + bias
    probs = F.dropout(torch.softmax(scores, dim=-1), dropout, training)
    return torch.matmul(probs, v).transpose(1, 2).reshape(b, n, hidden)


def post_ln_layers(
    x: torch.Tensor,
    bias: torch.Tensor,
    qw: List[torch.Tensor],
    qb: List[torch.Tensor],
    kw: List[torch.Tensor],
    kb: List[torch.Tensor],
    vw: List[torch.Tensor],
    vb: List[torch.Tensor],
    ow: List[torch.Tensor],
    ob: List[torch.Tensor],
    ln1w: List[torch.Tensor],
    ln1b: List[torch.Tensor],
    iw: List[torch.Tensor],
    ib: List[torch.Tensor],
    o2w: List[torch.Tensor],
    o2b: List[torch.Tensor],
    ln2w: List[torch.Tensor],
    ln2b: List[torch.Tensor],
    heads: int,
    act: int,
    eps: float,
    hidden_dropout: float,
    attention_dropout: float,
    dropout_after_attention: bool,
    training: bool,
) -> torch.Tensor:
    """BERT's post-LayerNorm transformer layers (also RoBERTa's and DistilBERT's)."""
    for i in range(len(qw)):
        context = self_attention(
            x, bias, qw[i], qb[i], kw[i], kb[i], vw[i], vb[i], heads, attention_dropout, training
        )
        attended = F.linear(context, ow[i], ob[i])
        if dropout_after_attention:
            attended = F.dropout(attended, hidden_dropout, training)
        attended = layer_norm(attended + x, ln1w[i], ln1b[i], eps)
        inner = activation(F.linear(attended, iw[i], ib[i]), act)
        out = F.dropout(F.linear(inner, o2w[i], o2b[i]), hidden_dropout, training)
        x = layer_norm(out + attended, ln2w[i], ln2b[i], eps)
    return x


class Tensors(nn.Module):
    """A named group of parameters (HF's nn.Linear / nn.LayerNorm / nn.Embedding names)."""

    def __init__(module, **shapes):
        super().__init__()
        for name, shape in shapes.items():
            module.register_parameter(name, nn.Parameter(torch.randn(shape) * 0.02))

    @torch.jit.export
    def to_bfloat16(module) -> None:
        with torch.no_grad():
            module.weight = module.weight.to(torch.bfloat16)
            if hasattr(module, "bias"):
                module.bias = module.bias.to(torch.bfloat16)


class Group(nn.Module):
    """A named group of submodules, to give parameters HF's dotted names."""

    def __init__(module, **children):  # not `self`: HF names a child "self"
        super().__init__()
        for name, child in children.items():
            module.add_module(name, child)


def linear(layers: int, out_features: int, in_features: int) -> Tensors:
    return Tensors(weight=(layers, out_features, in_features), bias=(layers, out_features))


def norm(layers: int, hidden: int) -> Tensors:
    return Tensors(weight=(layers, hidden), bias=(layers, hidden))


def bert_layers(layers: int, hidden: int, intermediate: int) -> Group:
    """HF's BertLayer parameters, each with a leading layer dimension."""
    return Group(
        attention=Group(
            self=Group(
                query=linear(layers, hidden, hidden),
                key=linear(layers, hidden, hidden),
                value=linear(layers, hidden, hidden),
            ),
            output=Group(dense=linear(layers, hidden, hidden), LayerNorm=norm(layers, hidden)),
        ),
        intermediate=Group(dense=linear(layers, intermediate, hidden)),
        output=Group(dense=linear(layers, hidden, intermediate), LayerNorm=norm(layers, hidden)),
    )


class BertEncoder(nn.Module):
    """HF's BertEncoder (`encoder`), its layers stacked (`encoder.layer.*`)."""

    def __init__(self, layers: int, hidden: int, intermediate: int):
        super().__init__()
        self.layer = bert_layers(layers, hidden, intermediate)

    @torch.jit.export
    def to_bfloat16(self) -> None:
        layer = self.layer
        layer.attention.self.query.to_bfloat16()
        layer.attention.self.key.to_bfloat16()
        layer.attention.self.value.to_bfloat16()
        layer.attention.output.dense.to_bfloat16()
        layer.attention.output.LayerNorm.to_bfloat16()
        layer.intermediate.dense.to_bfloat16()
        layer.output.dense.to_bfloat16()
        layer.output.LayerNorm.to_bfloat16()

    def forward(
        self,
        x: torch.Tensor,
        attention_mask: torch.Tensor,
        heads: int,
        act: int,
        eps: float,
        hidden_dropout: float,
        attention_dropout: float,
    ) -> torch.Tensor:
        layer = self.layer
        a = layer.attention
        return post_ln_layers(
            x,
            mask_bias(attention_mask, x.dtype),
            a.self.query.weight.unbind(0),
            a.self.query.bias.unbind(0),
            a.self.key.weight.unbind(0),
            a.self.key.bias.unbind(0),
            a.self.value.weight.unbind(0),
            a.self.value.bias.unbind(0),
            a.output.dense.weight.unbind(0),
            a.output.dense.bias.unbind(0),
            a.output.LayerNorm.weight.unbind(0),
            a.output.LayerNorm.bias.unbind(0),
            layer.intermediate.dense.weight.unbind(0),
            layer.intermediate.dense.bias.unbind(0),
            layer.output.dense.weight.unbind(0),
            layer.output.dense.bias.unbind(0),
            layer.output.LayerNorm.weight.unbind(0),
            layer.output.LayerNorm.bias.unbind(0),
            heads,
            act,
            eps,
            hidden_dropout,
            attention_dropout,
            True,
            self.training,
        )


class Settings(nn.Module):
    """Structural numbers the tensors' shapes do not tell, settable from Java."""

    def __init__(self, architecture: str):
        super().__init__()
        self.architecture = architecture
        self.template_version = TEMPLATE_VERSION
        self.num_heads = 2
        self.activation = ACT_GELU
        self.pad_token_id = 0
        self.layer_norm_eps = 1e-12
        self.hidden_dropout = 0.1
        self.attention_dropout = 0.1
        self.qa_dropout = 0.0


class TemplateBase(Settings):
    @torch.jit.export
    def assign(self, target: torch.Tensor, value: torch.Tensor) -> None:
        """Makes `target` (a parameter of this module) a contiguous copy of `value`, whatever its
        shape; a copy, so the module never shares memory owned by the caller."""
        with torch.no_grad():
            target.set_(value.to(target.dtype).clone(memory_format=torch.contiguous_format))

    @torch.jit.export
    def resize(self, target: torch.Tensor, shape: List[int]) -> None:
        """Makes `target` a zero tensor of `shape` (to be filled by assign_layer)."""
        with torch.no_grad():
            target.set_(torch.zeros(shape, dtype=target.dtype, device=target.device))

    @torch.jit.export
    def assign_layer(self, target: torch.Tensor, index: int, value: torch.Tensor) -> None:
        """Copies `value` into `target[index]` (one layer of a stacked parameter)."""
        if value.size() != target.size()[1:]:
            raise ValueError("assign_layer: shape mismatch")
        with torch.no_grad():
            target[index].copy_(value)

    @torch.jit.export
    def set_int(self, name: str, value: int) -> None:
        if name == "num_heads":
            self.num_heads = value
        elif name == "activation":
            self.activation = value
        elif name == "pad_token_id":
            self.pad_token_id = value
        else:
            raise ValueError("unknown int setting " + name)

    @torch.jit.export
    def set_float(self, name: str, value: float) -> None:
        if name == "layer_norm_eps":
            self.layer_norm_eps = value
        elif name == "hidden_dropout":
            self.hidden_dropout = value
        elif name == "attention_dropout":
            self.attention_dropout = value
        elif name == "qa_dropout":
            self.qa_dropout = value
        else:
            raise ValueError("unknown float setting " + name)

    @torch.jit.export
    def get_int(self, name: str) -> int:
        if name == "num_heads":
            return self.num_heads
        if name == "activation":
            return self.activation
        if name == "pad_token_id":
            return self.pad_token_id
        if name == "template_version":
            return self.template_version
        raise ValueError("unknown int setting " + name)

    @torch.jit.export
    def get_float(self, name: str) -> float:
        if name == "layer_norm_eps":
            return self.layer_norm_eps
        if name == "hidden_dropout":
            return self.hidden_dropout
        if name == "attention_dropout":
            return self.attention_dropout
        if name == "qa_dropout":
            return self.qa_dropout
        raise ValueError("unknown float setting " + name)

    @torch.jit.export
    def get_architecture(self) -> str:
        return self.architecture

    def padding_idx(self) -> Optional[int]:
        if self.pad_token_id < 0:
            return None
        return self.pad_token_id

    def qa_logits(self, hidden: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        # the head runs in float32 whatever the encoder's precision (see use_bfloat16)
        hidden = F.dropout(hidden.to(self.qa_outputs.weight.dtype), self.qa_dropout, self.training)
        logits = F.linear(hidden, self.qa_outputs.weight, self.qa_outputs.bias)
        start_logits, end_logits = logits.split(1, dim=-1)
        return start_logits.squeeze(-1), end_logits.squeeze(-1)


class BertTemplate(TemplateBase):
    """BertForQuestionAnswering: embeddings (word + absolute position + token type), post-LN
    layers, qa_outputs."""

    def __init__(self, vocab=16, hidden=8, layers=1, intermediate=16, positions=16, types=2):
        super().__init__("bert")
        self.bert = Group(
            embeddings=Group(
                word_embeddings=Tensors(weight=(vocab, hidden)),
                position_embeddings=Tensors(weight=(positions, hidden)),
                token_type_embeddings=Tensors(weight=(types, hidden)),
                LayerNorm=Tensors(weight=(hidden,), bias=(hidden,)),
            ),
            encoder=BertEncoder(layers, hidden, intermediate),
        )
        self.qa_outputs = Tensors(weight=(2, hidden), bias=(2,))

    @torch.jit.export
    def use_bfloat16(self) -> None:
        """Inference in bfloat16: every encoder parameter becomes a bfloat16 tensor (half the
        memory); the QA head and the logits stay float32."""
        e = self.bert.embeddings
        e.word_embeddings.to_bfloat16()
        e.position_embeddings.to_bfloat16()
        e.token_type_embeddings.to_bfloat16()
        e.LayerNorm.to_bfloat16()
        self.bert.encoder.to_bfloat16()

    @torch.jit.export
    def encode(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        e = self.bert.embeddings
        positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        x = (
            F.embedding(input_ids, e.word_embeddings.weight, self.padding_idx())
            + F.embedding(positions, e.position_embeddings.weight)
            + F.embedding(token_type_ids, e.token_type_embeddings.weight)
        )
        x = F.dropout(
            layer_norm(x, e.LayerNorm.weight, e.LayerNorm.bias, self.layer_norm_eps),
            self.hidden_dropout,
            self.training,
        )
        return self.bert.encoder(
            x,
            attention_mask,
            self.num_heads,
            self.activation,
            self.layer_norm_eps,
            self.hidden_dropout,
            self.attention_dropout,
        )

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        return self.qa_logits(self.encode(input_ids, attention_mask, token_type_ids))


class RobertaTemplate(TemplateBase):
    """RobertaForQuestionAnswering: as BERT, but position ids count real tokens from
    pad_token_id + 1 (pads get pad_token_id), and token types default to 0."""

    def __init__(self, vocab=16, hidden=8, layers=1, intermediate=16, positions=18, types=1):
        super().__init__("roberta")
        self.pad_token_id = 1
        self.layer_norm_eps = 1e-5
        self.roberta = Group(
            embeddings=Group(
                word_embeddings=Tensors(weight=(vocab, hidden)),
                position_embeddings=Tensors(weight=(positions, hidden)),
                token_type_embeddings=Tensors(weight=(types, hidden)),
                LayerNorm=Tensors(weight=(hidden,), bias=(hidden,)),
            ),
            encoder=BertEncoder(layers, hidden, intermediate),
        )
        self.qa_outputs = Tensors(weight=(2, hidden), bias=(2,))

    @torch.jit.export
    def use_bfloat16(self) -> None:
        """As BertTemplate.use_bfloat16."""
        e = self.roberta.embeddings
        e.word_embeddings.to_bfloat16()
        e.position_embeddings.to_bfloat16()
        e.token_type_embeddings.to_bfloat16()
        e.LayerNorm.to_bfloat16()
        self.roberta.encoder.to_bfloat16()

    @torch.jit.export
    def encode(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        e = self.roberta.embeddings
        real = input_ids.ne(self.pad_token_id).to(torch.long)
        positions = torch.cumsum(real, dim=1) * real + self.pad_token_id
        if token_type_ids is None:
            types = torch.zeros_like(input_ids)
        else:
            types = token_type_ids
        x = (
            F.embedding(input_ids, e.word_embeddings.weight, self.padding_idx())
            + F.embedding(positions, e.position_embeddings.weight, self.padding_idx())
            + F.embedding(types, e.token_type_embeddings.weight)
        )
        x = F.dropout(
            layer_norm(x, e.LayerNorm.weight, e.LayerNorm.bias, self.layer_norm_eps),
            self.hidden_dropout,
            self.training,
        )
        return self.roberta.encoder(
            x,
            attention_mask,
            self.num_heads,
            self.activation,
            self.layer_norm_eps,
            self.hidden_dropout,
            self.attention_dropout,
        )

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: Optional[torch.Tensor] = None,
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        return self.qa_logits(self.encode(input_ids, attention_mask, token_type_ids))


class DistilBertTemplate(TemplateBase):
    """DistilBertForQuestionAnswering: word + position embeddings (no token types), post-LN
    layers (no dropout after the attention projection), dropout before qa_outputs."""

    def __init__(self, vocab=16, hidden=8, layers=1, intermediate=16, positions=16):
        super().__init__("distilbert")
        self.qa_dropout = 0.1
        self.distilbert = Group(
            embeddings=Group(
                word_embeddings=Tensors(weight=(vocab, hidden)),
                position_embeddings=Tensors(weight=(positions, hidden)),
                LayerNorm=Tensors(weight=(hidden,), bias=(hidden,)),
            ),
            transformer=Group(
                layer=Group(
                    attention=Group(
                        q_lin=linear(layers, hidden, hidden),
                        k_lin=linear(layers, hidden, hidden),
                        v_lin=linear(layers, hidden, hidden),
                        out_lin=linear(layers, hidden, hidden),
                    ),
                    sa_layer_norm=norm(layers, hidden),
                    ffn=Group(
                        lin1=linear(layers, intermediate, hidden),
                        lin2=linear(layers, hidden, intermediate),
                    ),
                    output_layer_norm=norm(layers, hidden),
                )
            ),
        )
        self.qa_outputs = Tensors(weight=(2, hidden), bias=(2,))

    @torch.jit.export
    def use_bfloat16(self) -> None:
        """As BertTemplate.use_bfloat16."""
        e = self.distilbert.embeddings
        e.word_embeddings.to_bfloat16()
        e.position_embeddings.to_bfloat16()
        e.LayerNorm.to_bfloat16()
        layer = self.distilbert.transformer.layer
        layer.attention.q_lin.to_bfloat16()
        layer.attention.k_lin.to_bfloat16()
        layer.attention.v_lin.to_bfloat16()
        layer.attention.out_lin.to_bfloat16()
        layer.sa_layer_norm.to_bfloat16()
        layer.ffn.lin1.to_bfloat16()
        layer.ffn.lin2.to_bfloat16()
        layer.output_layer_norm.to_bfloat16()

    @torch.jit.export
    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        e = self.distilbert.embeddings
        positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        x = F.embedding(input_ids, e.word_embeddings.weight, self.padding_idx()) + F.embedding(
            positions, e.position_embeddings.weight
        )
        x = F.dropout(
            layer_norm(x, e.LayerNorm.weight, e.LayerNorm.bias, self.layer_norm_eps),
            self.hidden_dropout,
            self.training,
        )
        layer = self.distilbert.transformer.layer
        a = layer.attention
        return post_ln_layers(
            x,
            mask_bias(attention_mask, x.dtype),
            a.q_lin.weight.unbind(0),
            a.q_lin.bias.unbind(0),
            a.k_lin.weight.unbind(0),
            a.k_lin.bias.unbind(0),
            a.v_lin.weight.unbind(0),
            a.v_lin.bias.unbind(0),
            a.out_lin.weight.unbind(0),
            a.out_lin.bias.unbind(0),
            layer.sa_layer_norm.weight.unbind(0),
            layer.sa_layer_norm.bias.unbind(0),
            layer.ffn.lin1.weight.unbind(0),
            layer.ffn.lin1.bias.unbind(0),
            layer.ffn.lin2.weight.unbind(0),
            layer.ffn.lin2.bias.unbind(0),
            layer.output_layer_norm.weight.unbind(0),
            layer.output_layer_norm.bias.unbind(0),
            self.num_heads,
            self.activation,
            self.layer_norm_eps,
            self.hidden_dropout,
            self.attention_dropout,
            False,
            self.training,
        )

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        return self.qa_logits(self.encode(input_ids, attention_mask))


TEMPLATES = {"bert": BertTemplate, "roberta": RobertaTemplate, "distilbert": DistilBertTemplate}


TEMPLATE_DIR_USED = [TEMPLATE_DIR]


def write_templates(out_dir: str):
    os.makedirs(out_dir, exist_ok=True)
    for name, cls in TEMPLATES.items():
        torch.manual_seed(0)
        module = cls()
        module.eval()
        scripted = torch.jit.script(module)
        path = os.path.join(out_dir, name + ".pt")
        scripted.save(path)
        check_template(path, name)
        print(f"wrote {path}: {os.path.getsize(path)} bytes")


def check_template(path: str, name: str):
    """The saved template grows (assign/set_*) and still runs, in eval and train mode."""
    m = torch.jit.load(path)
    assert m.get_architecture() == name
    params = dict(m.named_parameters())
    hidden, layers = 12, 3
    for pname, p in params.items():
        shape = list(p.shape)
        shape = [hidden if s == 8 else 24 if s == 16 else s for s in shape]
        if ".layer." in pname:
            shape[0] = layers
        m.assign(p, torch.randn(shape) * 0.02)
    m.set_int("num_heads", 3)
    ids = torch.tensor([[2, 5, 3, 7, 9, 3], [2, 6, 3, 8, 1, 1]])
    mask = (ids != 1).to(torch.long) if name == "roberta" else torch.ones_like(ids)
    args = (ids, mask) if name == "distilbert" else (ids, mask, torch.zeros_like(ids))
    start, end = m(*args)
    assert start.shape == (2, 6) and end.shape == (2, 6)
    assert m.encode(*args).shape == (2, 6, hidden)
    m.train()
    s0, e0 = m(*args)
    (s0.sum() + e0.sum()).backward()
    missing = [n for n, p in m.named_parameters() if p.grad is None]
    assert not missing, f"no gradient for {missing}"
    s1, _ = m(*args)
    s2, _ = m(*args)
    assert not torch.allclose(s1, s2), "dropout is not active in train mode"
    m.eval()
    with torch.no_grad():
        s32, e32 = m(*args)
        m.use_bfloat16()
        s16, e16 = m(*args)
    left = sorted(n for n, p in m.named_parameters() if p.dtype != torch.bfloat16)
    assert left == ["qa_outputs.bias", "qa_outputs.weight"], f"not bfloat16: {left}"
    assert s16.dtype == torch.float32 and torch.allclose(s16, s32, atol=0.05), "bf16 logits"


# ---------------------------------------------------------------------------------------------
# Reference models (eager, per-layer, HF names) and fixtures
# ---------------------------------------------------------------------------------------------


def act_fn(name: str):
    return {
        "gelu": F.gelu,
        "gelu_new": lambda x: F.gelu(x, approximate="tanh"),
        "relu": F.relu,
    }[name]


class RefSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads = c["num_attention_heads"]
        self.query = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.key = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.value = nn.Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, x, ext_mask):
        b, n, h = x.shape
        d = h // self.heads

        def split(t):
            return t.view(b, n, self.heads, d).permute(0, 2, 1, 3)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + ext_mask
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(b, n, h)


class RefOutput(nn.Module):
    def __init__(self, c, inner):
        super().__init__()
        self.dense = nn.Linear(inner, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class RefLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = nn.Module()
        self.attention.self = RefSelfAttention(c)
        self.attention.output = RefOutput(c, c["hidden_size"])
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.output = RefOutput(c, c["intermediate_size"])
        self.act = act_fn(c["hidden_act"])

    def forward(self, x, ext_mask):
        attended = self.attention.output(self.attention.self(x, ext_mask), x)
        return self.output(self.act(self.intermediate.dense(attended)), attended)


class RefBertModel(nn.Module):
    """HF BertModel / RobertaModel (without pooler unless asked), eval mode only."""

    def __init__(self, c, roberta: bool, pooler: bool):
        super().__init__()
        self.roberta = roberta
        self.pad = c["pad_token_id"]
        self.embeddings = nn.Module()
        e = self.embeddings
        e.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"], padding_idx=self.pad)
        e.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        e.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        e.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList([RefLayer(c) for _ in range(c["num_hidden_layers"])])
        if pooler:
            self.pooler = nn.Module()
            self.pooler.dense = nn.Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, input_ids, attention_mask, token_type_ids):
        if self.roberta:
            m = input_ids.ne(self.pad).int()
            positions = (torch.cumsum(m, dim=1).type_as(m) * m).long() + self.pad
        else:
            positions = torch.arange(input_ids.size(1)).unsqueeze(0)
        e = self.embeddings
        x = (
            e.word_embeddings(input_ids)
            + e.token_type_embeddings(token_type_ids)
            + e.position_embeddings(positions)
        )
        x = e.LayerNorm(x)
        ext = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.encoder.layer:
            x = layer(x, ext)
        return x


class RefDistilBertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["dim"]
        self.heads = c["n_heads"]
        self.embeddings = nn.Module()
        e = self.embeddings
        e.word_embeddings = nn.Embedding(c["vocab_size"], h, padding_idx=c["pad_token_id"])
        e.position_embeddings = nn.Embedding(c["max_position_embeddings"], h)
        e.LayerNorm = nn.LayerNorm(h, eps=1e-12)
        self.transformer = nn.Module()
        layers = []
        for _ in range(c["n_layers"]):
            layer = nn.Module()
            layer.attention = nn.Module()
            for lin in ("q_lin", "k_lin", "v_lin", "out_lin"):
                setattr(layer.attention, lin, nn.Linear(h, h))
            layer.sa_layer_norm = nn.LayerNorm(h, eps=1e-12)
            layer.ffn = nn.Module()
            layer.ffn.lin1 = nn.Linear(h, c["hidden_dim"])
            layer.ffn.lin2 = nn.Linear(c["hidden_dim"], h)
            layer.output_layer_norm = nn.LayerNorm(h, eps=1e-12)
            layers.append(layer)
        self.transformer.layer = nn.ModuleList(layers)
        self.act = act_fn(c["activation"])

    def forward(self, input_ids, attention_mask):
        e = self.embeddings
        positions = torch.arange(input_ids.size(1)).unsqueeze(0)
        x = e.LayerNorm(e.word_embeddings(input_ids) + e.position_embeddings(positions))
        b, n, h = x.shape
        d = h // self.heads
        mask = (attention_mask == 0).view(b, 1, 1, n)
        for layer in self.transformer.layer:
            a = layer.attention

            def split(t):
                return t.view(b, n, self.heads, d).transpose(1, 2)

            q = split(a.q_lin(x)) / math.sqrt(d)
            k, v = split(a.k_lin(x)), split(a.v_lin(x))
            scores = torch.matmul(q, k.transpose(2, 3))
            scores = scores.masked_fill(mask, torch.finfo(scores.dtype).min)
            ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, n, h)
            sa = layer.sa_layer_norm(a.out_lin(ctx) + x)
            ffn = layer.ffn.lin2(self.act(layer.ffn.lin1(sa)))
            x = layer.output_layer_norm(ffn + sa)
        return x


class RefForQuestionAnswering(nn.Module):
    def __init__(self, prefix, encoder, hidden):
        super().__init__()
        self.prefix = prefix
        self.add_module(prefix, encoder)
        self.qa_outputs = nn.Linear(hidden, 2)

    def forward(self, *args):
        hidden = getattr(self, self.prefix)(*args)
        start, end = self.qa_outputs(hidden).split(1, dim=-1)
        return hidden, start.squeeze(-1), end.squeeze(-1)


def init_hf(module: nn.Module):
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.bias, mean=0.0, std=0.02)  # non-zero, so a lost bias shows
        if isinstance(m, nn.LayerNorm):
            nn.init.normal_(m.weight, mean=1.0, std=0.1)
            nn.init.normal_(m.bias, mean=0.0, std=0.1)
    # make the weights matter: HF-like init at hidden 32 gives nearly constant outputs
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("weight") and p.dim() == 2:
                p.mul_(10.0)


DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2)}


def write_safetensors(path: str, tensors: dict, dtype: str):
    """The safetensors format: u64 little-endian header length, JSON header (padded with spaces
    to a multiple of 8), then the little-endian tensor bytes."""
    torch_dtype, size = DTYPES[dtype]
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch_dtype).contiguous()
        if torch_dtype == torch.float32:
            raw = t.numpy().tobytes()
        else:
            raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
        header[name] = {
            "dtype": dtype,
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        blobs.append(raw)
        offset += len(raw)
    data = json.dumps(header, separators=(",", ":")).encode("utf-8")
    data += b" " * (-len(data) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(data)))
        f.write(data)
        for raw in blobs:
            f.write(raw)


def bytes_to_unicode():
    """GPT-2's byte-level alphabet (RoBERTa's tokenizer)."""
    bs = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


ROBERTA_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


def roberta_tokenizer():
    """A small byte-level BPE tokenizer in RoBERTa's layout: <s>=0 <pad>=1 </s>=2 <unk>=3, the
    256 byte symbols, then whole-word merges of the tiny corpus (with and without the leading
    space symbol Ġ), and <mask> last."""
    alphabet = bytes_to_unicode()
    vocab = {t: i for i, t in enumerate(ROBERTA_SPECIALS)}
    for b in range(256):
        vocab.setdefault(alphabet[b], len(vocab))
    merges = []
    words = sorted(set(make_tiny_model.CORPUS))
    for word in words:
        for form in (word, " " + word):
            symbols = [alphabet[b] for b in form.encode("utf-8")]
            while len(symbols) > 1:
                merged = symbols[0] + symbols[1]
                pair = symbols[0] + " " + symbols[1]
                if pair not in merges:
                    merges.append(pair)
                vocab.setdefault(merged, len(vocab))
                symbols = [merged] + symbols[2:]
    vocab["<mask>"] = len(vocab)
    added = [
        {
            "id": vocab[t],
            "content": t,
            "single_word": False,
            "lstrip": t == "<mask>",
            "rstrip": False,
            "normalized": t == "<mask>",
            "special": True,
        }
        for t in ROBERTA_SPECIALS + ["<mask>"]
    ]
    return vocab, {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {
            "type": "ByteLevel",
            "add_prefix_space": False,
            "trim_offsets": True,
            "use_regex": True,
        },
        "post_processor": {
            "type": "RobertaProcessing",
            "sep": ["</s>", vocab["</s>"]],
            "cls": ["<s>", vocab["<s>"]],
            "trim_offsets": True,
            "add_prefix_space": False,
        },
        "decoder": {
            "type": "ByteLevel",
            "add_prefix_space": True,
            "trim_offsets": True,
            "use_regex": True,
        },
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "vocab": vocab,
            "merges": merges,
        },
    }


def rounded(model: nn.Module, dtype: str):
    """The model as it computes from weights stored in `dtype` (then read back as float32)."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(DTYPES[dtype][0]).to(torch.float32))


ACTIVATIONS = {"gelu": ACT_GELU, "gelu_new": ACT_GELU_TANH, "relu": ACT_RELU}


def grow(template_path, arch, hf_config, state_dict):
    """What the Java importer does, in Python: the template with a checkpoint's weights (to check
    the templates against the reference models before any Java runs)."""
    m = torch.jit.load(template_path)
    prefix = arch + "."
    sd = {k if k.startswith(prefix) or k.startswith("qa_outputs.") else prefix + k: v
          for k, v in state_dict.items()}
    layers = hf_config.get("num_hidden_layers", hf_config.get("n_layers"))
    for name, p in m.named_parameters():
        if name.startswith("qa_outputs.") and name not in sd:
            continue
        if ".layer." in name:
            head, tail = name.split(".layer.", 1)
            first = sd[f"{head}.layer.0.{tail}"]
            m.resize(p, [layers] + list(first.shape))
            for i in range(layers):
                m.assign_layer(p, i, sd[f"{head}.layer.{i}.{tail}"].float())
        else:
            m.assign(p, sd[name].float())
    m.set_int("num_heads", hf_config.get("num_attention_heads", hf_config.get("n_heads")))
    m.set_int("activation", ACTIVATIONS[hf_config.get("hidden_act", hf_config.get("activation"))])
    m.set_int("pad_token_id", hf_config["pad_token_id"])
    m.set_float("layer_norm_eps", hf_config.get("layer_norm_eps", 1e-12))
    m.eval()
    return m


def write_fixture(out_dir, name, hf_config, model, state_dict, tokenizer, dtype, inputs, qa):
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w", encoding="utf-8") as f:
        json.dump(hf_config, f, indent=2, sort_keys=True)
        f.write("\n")
    with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False, indent=1)
    write_safetensors(os.path.join(d, "model.safetensors"), state_dict, dtype)
    model.eval()
    with torch.no_grad():
        out = model(*inputs)
    if qa:
        hidden, start, end = out
    else:
        hidden = out
    expected = {
        "input_ids": inputs[0].tolist(),
        "attention_mask": inputs[1].tolist(),
    }
    if len(inputs) > 2:
        expected["token_type_ids"] = inputs[2].tolist()
    expected["last_hidden_state"] = [[[round(v, 7) for v in row] for row in seq] for seq in hidden.tolist()]
    if qa:
        expected["start_logits"] = [[round(v, 7) for v in seq] for seq in start.tolist()]
        expected["end_logits"] = [[round(v, 7) for v in seq] for seq in end.tolist()]
    arch = hf_config["model_type"]
    grown = grow(os.path.join(TEMPLATE_DIR_USED[0], arch + ".pt"), arch, hf_config, state_dict)
    with torch.no_grad():
        grown_hidden = grown.encode(*inputs)
        difference = (grown_hidden - hidden).abs().max().item()
        if qa:
            gs, ge = grown(*inputs)
            difference = max(difference, (gs - start).abs().max().item(), (ge - end).abs().max().item())
    assert difference < 1e-5, f"{name}: template differs from the reference by {difference}"
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(d, x)) for x in os.listdir(d))
    print(f"wrote {d}: {size} bytes (template = reference within {difference:.1e})")


def bert_config(vocab_size, arch, hidden_act="gelu", roberta=False):
    c = {
        "architectures": [arch],
        "model_type": "roberta" if roberta else "bert",
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "intermediate_size": 64,
        "hidden_act": hidden_act,
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": 66 if roberta else 64,
        "type_vocab_size": 1 if roberta else 2,
        "layer_norm_eps": 1e-5 if roberta else 1e-12,
        "vocab_size": vocab_size,
        "pad_token_id": 1 if roberta else 0,
        "initializer_range": 0.02,
    }
    if roberta:
        c.update({"bos_token_id": 0, "eos_token_id": 2})
    return c


def write_fixtures(out_dir: str):
    wp_vocab = make_tiny_model.build_vocab()
    wp_tokenizer = make_tiny_model.tokenizer_json(wp_vocab)
    v = wp_vocab
    ids = torch.tensor(
        [
            [v["[CLS]"], v["what"], v["is"], v["the"], v["capital"], v["[SEP]"], v["paris"],
             v["is"], v["the"], v["capital"], v["of"], v["france"], v["[SEP]"]],
            [v["[CLS]"], v["who"], v["wrote"], v["[SEP]"], v["a"], v["queen"], v["wrote"],
             v["it"], v["[SEP]"], 0, 0, 0, 0],
        ]
    )
    mask = (ids != 0).long()
    types = torch.tensor([[0] * 6 + [1] * 7, [0] * 4 + [1] * 5 + [0] * 4])

    # BertForQuestionAnswering, F32, names with the bert. prefix
    torch.manual_seed(11)
    c = bert_config(len(wp_vocab), "BertForQuestionAnswering")
    qa = RefForQuestionAnswering("bert", RefBertModel(c, False, False), 32)
    init_hf(qa)
    sd = {k: t for k, t in qa.state_dict().items()}
    write_fixture(out_dir, "bert-qa", c, qa, sd, wp_tokenizer, "F32", (ids, mask, types), True)

    # BertModel (base encoder with pooler), F16, gelu_new, names without prefix
    torch.manual_seed(12)
    c = bert_config(len(wp_vocab), "BertModel", hidden_act="gelu_new")
    base = RefBertModel(c, False, True)
    init_hf(base)
    rounded(base, "F16")
    sd = dict(base.state_dict())
    write_fixture(out_dir, "bert-base", c, base, sd, wp_tokenizer, "F16", (ids, mask, types), False)

    # RoBERTa: byte-level BPE, pad 1, positions from 2
    rb_vocab, rb_tokenizer = roberta_tokenizer()
    r = rb_vocab
    g = "\u0120"  # the byte-level symbol of a leading space

    def tok(w, first=False):
        return r[w if first else g + w]

    rids = torch.tensor(
        [
            [r["<s>"], tok("what", True), tok("is"), tok("the"), tok("capital"), r["</s>"],
             r["</s>"], tok("paris", True), tok("is"), tok("the"), tok("capital"), r["</s>"]],
            [r["<s>"], tok("who", True), tok("wrote"), r["</s>"], r["</s>"], tok("a", True),
             tok("queen"), tok("wrote"), r["</s>"], 1, 1, 1],
        ]
    )
    rmask = (rids != 1).long()
    rtypes = torch.zeros_like(rids)

    torch.manual_seed(13)
    c = bert_config(len(rb_vocab), "RobertaForQuestionAnswering", roberta=True)
    qa = RefForQuestionAnswering("roberta", RefBertModel(c, True, False), 32)
    init_hf(qa)
    sd = dict(qa.state_dict())
    write_fixture(out_dir, "roberta-qa", c, qa, sd, rb_tokenizer, "F32", (rids, rmask, rtypes), True)

    torch.manual_seed(14)
    c = bert_config(len(rb_vocab), "RobertaModel", roberta=True)
    base = RefBertModel(c, True, True)
    init_hf(base)
    rounded(base, "BF16")
    sd = dict(base.state_dict())
    write_fixture(
        out_dir, "roberta-base", c, base, sd, rb_tokenizer, "BF16", (rids, rmask, rtypes), False
    )

    # DistilBertForQuestionAnswering, F32
    torch.manual_seed(15)
    c = {
        "architectures": ["DistilBertForQuestionAnswering"],
        "model_type": "distilbert",
        "dim": 32,
        "n_layers": 2,
        "n_heads": 4,
        "hidden_dim": 64,
        "activation": "gelu",
        "dropout": 0.1,
        "attention_dropout": 0.1,
        "qa_dropout": 0.1,
        "max_position_embeddings": 64,
        "vocab_size": len(wp_vocab),
        "pad_token_id": 0,
        "sinusoidal_pos_embds": False,
        "initializer_range": 0.02,
    }
    qa = RefForQuestionAnswering("distilbert", RefDistilBertModel(c), 32)
    init_hf(qa)
    sd = dict(qa.state_dict())
    write_fixture(out_dir, "distilbert-qa", c, qa, sd, wp_tokenizer, "F32", (ids, mask), True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--templates", default=TEMPLATE_DIR)
    parser.add_argument("--fixtures", default=FIXTURE_DIR)
    parser.add_argument("--no-fixtures", action="store_true")
    args = parser.parse_args()
    write_templates(args.templates)
    TEMPLATE_DIR_USED[0] = args.templates
    if not args.no_fixtures:
        write_fixtures(args.fixtures)
    for d in [args.templates] + ([] if args.no_fixtures else [args.fixtures]):
        for root, _, files in sorted(os.walk(d)):
            for f in sorted(files):
                p = os.path.join(root, f)
                with open(p, "rb") as fh:
                    print(hashlib.sha256(fh.read()).hexdigest()[:16], os.path.relpath(p, d))


if __name__ == "__main__":
    main()
