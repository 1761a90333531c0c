"""normalize, cosine_similarity, pairwise_distance and their modules: written values,
gradcheck in float64, PyTorch parity, the zero vector, errors."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)

CASES = [  # (name, call, torch call, input shapes)
    ("normalize", lambda a: F.normalize(a), lambda T, a: T.nn.functional.normalize(a),
     [(4, 5)]),
    ("normalize p1 dim0", lambda a: F.normalize(a, 1.0, 0),
     lambda T, a: T.nn.functional.normalize(a, 1.0, 0), [(4, 5)]),
    ("normalize p3 3-d", lambda a: F.normalize(a, 3.0, -1),
     lambda T, a: T.nn.functional.normalize(a, 3.0, -1), [(2, 3, 4)]),
    ("cosine", lambda a, b: F.cosine_similarity(a, b),
     lambda T, a, b: T.nn.functional.cosine_similarity(a, b), [(4, 5), (4, 5)]),
    ("cosine broadcast", lambda a, b: F.cosine_similarity(a, b, dim=-1),
     lambda T, a, b: T.nn.functional.cosine_similarity(a, b, dim=-1), [(3, 1, 5), (1, 4, 5)]),
    ("pairwise", lambda a, b: F.pairwise_distance(a, b),
     lambda T, a, b: T.nn.functional.pairwise_distance(a, b), [(4, 5), (4, 5)]),
    ("pairwise p1 keepdim", lambda a, b: F.pairwise_distance(a, b, 1.0, keepdim=True),
     lambda T, a, b: T.nn.functional.pairwise_distance(a, b, 1.0, keepdim=True),
     [(4, 5), (1, 5)]),
    ("pairwise inf", lambda a, b: F.pairwise_distance(a, b, float("inf")),
     lambda T, a, b: T.nn.functional.pairwise_distance(a, b, float("inf")), [(3, 4), (3, 4)]),
]


def test_written_values():
    np.testing.assert_allclose(F.normalize(ag.tensor([[3.0, 4.0], [0.0, 0.0]])).numpy(),
                               [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    np.testing.assert_allclose(F.normalize(ag.tensor([[1.0, -3.0]]), p=1).numpy(),
                               [[0.25, -0.75]])
    cos = F.cosine_similarity(ag.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]),
                              ag.tensor([[0.0, 2.0], [-2.0, -2.0], [1.0, 1.0]]))
    np.testing.assert_allclose(cos.numpy(), [0.0, -1.0, 0.0], atol=1e-7)
    d = F.pairwise_distance(ag.tensor([[0.0, 0.0]]), ag.tensor([[3.0, 4.0]]), eps=0.0)
    np.testing.assert_allclose(d.numpy(), [5.0])


@pytest.mark.parametrize("name,call,tcall,shapes", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, call, tcall, shapes):
    args = [ag.tensor(RNG.standard_normal(s), requires_grad=True) for s in shapes]
    assert gradcheck(call, args)
    assert gradgradcheck(call, args)


@pytest.mark.parametrize("name,call,tcall,shapes", CASES, ids=[c[0] for c in CASES])
def test_pytorch_parity(name, call, tcall, shapes):
    torch = pytest.importorskip("torch")
    arrs = [RNG.standard_normal(s) for s in shapes]
    arrs[0][0] = 0.0   # a zero vector (or a zero entry)
    ours = [ag.tensor(a, requires_grad=True) for a in arrs]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrs]
    out, want = call(*ours), tcall(torch, *theirs)
    g = RNG.standard_normal(tuple(want.shape))
    (out * ag.tensor(g)).sum().backward()
    (want * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(out.numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6, atol=1e-9)


def test_zero_vector_has_finite_gradients():
    x = ag.tensor(np.zeros((2, 3)), requires_grad=True)
    F.normalize(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 3), 1e12))   # x / eps
    y = ag.tensor(np.zeros((2, 3)), requires_grad=True)
    F.cosine_similarity(y, ag.ones(2, 3, dtype=np.float64)).sum().backward()
    assert np.isfinite(y.grad.numpy()).all()


def test_modules():
    a, b = ag.randn(4, 5), ag.randn(4, 5)
    np.testing.assert_allclose(nn.CosineSimilarity(dim=1)(a, b).numpy(),
                               F.cosine_similarity(a, b).numpy())
    np.testing.assert_allclose(nn.PairwiseDistance(p=1.0, keepdim=True)(a, b).numpy(),
                               F.pairwise_distance(a, b, 1.0, keepdim=True).numpy())
    assert repr(nn.CosineSimilarity()) == "CosineSimilarity()"
    assert repr(nn.PairwiseDistance()) == "PairwiseDistance()"


@pytest.mark.parametrize("call,kind,match", [
    (lambda: F.cosine_similarity(ag.ones(2, 3), ag.ones(4, 3)), ValueError,
     r"cosine_similarity: x1 of shape \(2, 3\) and x2 of shape \(4, 3\)"),
    (lambda: F.cosine_similarity(ag.ones(2, 3), ag.ones(2, 3), dim=2), IndexError,
     r"cosine_similarity: dim 2"),
    (lambda: F.pairwise_distance(ag.ones(2, 3), ag.ones(2, 4)), ValueError,
     r"pairwise_distance: x1 of shape \(2, 3\) and x2 of shape \(2, 4\)"),
    (lambda: F.normalize(ag.tensor(1.0)), ValueError, "normalize: input must have"),
    (lambda: F.normalize([1.0, 2.0]), TypeError, "normalize: input must be a Tensor"),
])
def test_errors(call, kind, match):
    with pytest.raises(kind, match=match):
        call()
