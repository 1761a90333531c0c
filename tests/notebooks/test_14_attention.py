"""Chapter 14: attention by hand equals the library's, and the tiny Transformer LM learns."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.notebooks._outputs import line_numbers, number_after, printed

OUT = printed("14")


def test_attention_by_hand_matches_the_library():
    assert number_after(OUT, "max |by hand - F.scaled_dot_product_attention| =") < 1e-12
    assert number_after(OUT, "max |by hand - nn.MultiheadAttention| =") < 1e-12
    assert "its returned weights are the heads' average: True" in OUT


def test_causal_attention_rerun():
    q = ag.tensor(np.eye(3)[None])
    out = F.scaled_dot_product_attention(q, q, ag.tensor(np.arange(9.0).reshape(1, 3, 3)),
                                         is_causal=True).numpy()[0]
    np.testing.assert_allclose(out[0], [0, 1, 2])             # the first position sees only itself


def test_tiny_language_model_learns_the_grammar():
    first, ln_v = line_numbers(OUT, "71,958 parameters; loss before training")
    assert first == pytest.approx(ln_v, abs=0.3)
    train, held, unigram = line_numbers(OUT, "after 300 steps: train loss")
    assert held < 0.5 < 2.0 < unigram and abs(train - held) < 0.2
    assert "each row sums to 1: True ; nothing above the diagonal: True" in OUT
