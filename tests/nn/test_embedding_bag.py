"""EmbeddingBag and functional.embedding_bag: bags by rows or offsets, sum/mean/max."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck

W = np.arange(30.0).reshape(10, 3)
IDS = np.array([1, 2, 4, 5, 4, 3, 2, 9])


def test_written_values():
    w = ag.tensor(W, requires_grad=True)
    out = F.embedding_bag(ag.tensor(IDS), w, ag.tensor([0, 4, 8]), mode="max")
    assert out.tolist() == [[15.0, 16.0, 17.0], [27.0, 28.0, 29.0], [0.0, 0.0, 0.0]]
    out = F.embedding_bag(ag.tensor(IDS), w, ag.tensor([0, 4, 8]), include_last_offset=True)
    assert out.tolist() == [[9.0, 10.0, 11.0], [13.5, 14.5, 15.5]]
    out = F.embedding_bag(ag.tensor([[2, 2, 1], [2, 3, 3]]), w, padding_idx=2)
    assert out.tolist() == [[3.0, 4.0, 5.0], [9.0, 10.0, 11.0]]  # the padding id not counted
    out.sum().backward()
    assert w.grad.numpy()[:4, 0].tolist() == [0.0, 1.0, 0.0, 1.0]
    psw = ag.tensor([2.0, -1.0, 0.5], requires_grad=True)
    out = F.embedding_bag(ag.tensor([0, 1, 1]), w, ag.tensor([0, 1]), mode="sum",
                          per_sample_weights=psw)
    assert out.tolist() == [[0.0, 2.0, 4.0], [-1.5, -2.0, -2.5]]
    out.sum().backward()
    assert psw.grad.tolist() == [3.0, 12.0, 12.0]


def test_scale_grad_by_freq_divides_each_rows_gradient_by_its_count():
    # the documented rule (as F.embedding): every row's gradient over its count in the input
    w = ag.tensor(np.ones((5, 1)), requires_grad=True)
    F.embedding_bag(ag.tensor([1, 2, 2, 3, 3, 3]), w, ag.tensor([0, 2]), mode="sum",
                    scale_grad_by_freq=True).sum().backward()
    assert w.grad.numpy()[:, 0].tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("layout", ["2d", "offsets", "last_offset", "padding"])
def test_gradcheck(mode, layout):
    rng = np.random.default_rng(0)
    w = ag.tensor(rng.normal(size=(6, 3)), requires_grad=True)
    ids, off, kw = ag.tensor([0, 2, 5, 2, 1, 4, 3]), ag.tensor([0, 3, 3, 5]), {}
    if layout == "2d":
        ids, off = ag.tensor([[0, 2, 5], [2, 1, 4]]), None
    elif layout == "last_offset":
        off, kw = ag.tensor([0, 3, 3, 5, 7]), {"include_last_offset": True}
    elif layout == "padding":
        kw = {"padding_idx": 2}
    assert gradcheck(lambda w: F.embedding_bag(ids, w, off, mode=mode, **kw), (w,))


def test_gradcheck_per_sample_weights():
    rng = np.random.default_rng(1)
    w = ag.tensor(rng.normal(size=(6, 2)), requires_grad=True)
    psw = ag.tensor(rng.normal(size=7), requires_grad=True)
    ids, off = ag.tensor([0, 2, 5, 2, 1, 4, 3]), ag.tensor([0, 3, 3, 5])
    assert gradcheck(lambda w, p: F.embedding_bag(ids, w, off, mode="sum",
                                                  per_sample_weights=p, padding_idx=5),
                     (w, psw))


def test_module_attributes_and_repr():
    bag = nn.EmbeddingBag(10, 3, padding_idx=-1)
    assert bag.padding_idx == 9 and bag.weight.numpy()[9].tolist() == [0.0, 0.0, 0.0]
    assert list(bag.state_dict()) == ["weight"]
    assert repr(bag) == "EmbeddingBag(10, 3, mode='mean', padding_idx=9)"
    assert repr(nn.EmbeddingBag(4, 2, max_norm=1.0, mode="sum")) == \
        "EmbeddingBag(4, 2, max_norm=1.0, mode='sum')"
    frozen = nn.EmbeddingBag.from_pretrained(ag.ones(4, 2), mode="sum")
    assert not frozen.weight.requires_grad
    assert frozen(ag.tensor([[0, 1]])).tolist() == [[2.0, 2.0]]
    with pytest.raises(NotImplementedError):
        nn.EmbeddingBag(4, 2, sparse=True)


@pytest.mark.parametrize("call", [
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([1, 2, 4, 5]), w,
                                                   lib.tensor([1, 4])),       # offsets[0] != 0
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([1, 2, 4, 5]), w,
                                                   lib.tensor([0, 5])),       # past the end
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([1, 2, 4, 5]), w),  # no offsets
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), w, lib.tensor([0])),
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[[1]]]), w),   # 3-D
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([1, 10]), w, lib.tensor([0])),
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([1, -1]), w, lib.tensor([0])),
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), w, mode="prod"),
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), w, mode="mean",
                                                   per_sample_weights=lib.ones(1, 2)),
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), w, mode="sum",
                                                   per_sample_weights=lib.ones(2)),
    lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), w, mode="max",
                                                   scale_grad_by_freq=True),
    lambda lib, w: lib.nn.EmbeddingBag(10, 3, padding_idx=10),
    lambda lib, w: lib.nn.EmbeddingBag(10, 3, _weight=lib.zeros(3, 3)),
])
def test_errors_have_pytorchs_class(call):
    torch = pytest.importorskip("torch")

    class Ours:
        nn = nn
        tensor, ones, zeros = ag.tensor, ag.ones, ag.zeros

    with pytest.raises(Exception) as theirs:
        call(torch, torch.zeros(10, 3))
    with pytest.raises(type(theirs.value)):
        call(Ours, ag.zeros(10, 3))


CASES = [
    ({"mode": "sum"}, "offsets"), ({"mode": "mean"}, "offsets"), ({"mode": "max"}, "offsets"),
    ({"mode": "mean", "padding_idx": 2}, "offsets"), ({"mode": "max", "padding_idx": 4}, "2d"),
    ({"mode": "sum", "include_last_offset": True}, "last"),
    ({"mode": "mean", "include_last_offset": True, "padding_idx": 9}, "last"),
    ({"mode": "sum"}, "psw"), ({"mode": "sum", "padding_idx": 4}, "psw"),
    ({"mode": "mean", "max_norm": 1.0}, "2d"), ({"mode": "sum", "max_norm": 2.0,
                                                 "norm_type": 1.0}, "offsets"),
]


@pytest.mark.parametrize("kw,layout", CASES)
def test_module_matches_torch(kw, layout):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    ours = nn.EmbeddingBag(10, 3, **kw)
    theirs = torch.nn.EmbeddingBag(10, 3, **kw)
    assert repr(ours) == repr(theirs)
    theirs.load_state_dict({"weight": torch.tensor(ours.weight.numpy())})
    ids = np.array([1, 2, 4, 5, 4, 3, 2, 9, 2, 2])
    args, targs = [ag.tensor(ids)], [torch.tensor(ids)]
    if layout == "2d":
        args, targs = [ag.tensor(ids.reshape(2, 5))], [torch.tensor(ids.reshape(2, 5))]
    else:
        off = np.array([0, 4, 4, 7, 10] if layout == "last" else [0, 4, 4, 7])
        args.append(ag.tensor(off))
        targs.append(torch.tensor(off))
    psw = None
    if layout == "psw":
        psw = rng.normal(size=ids.shape).astype(np.float32)
        args.append(ag.tensor(psw, requires_grad=True))
        targs.append(torch.tensor(psw, requires_grad=True))
    y, ty = ours(*args), theirs(*targs)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-6, atol=1e-6)
    g = rng.normal(size=ty.shape).astype(np.float32)
    y.backward(ag.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.weight.numpy(), theirs.weight.detach().numpy(), rtol=1e-6)
    if psw is not None:
        np.testing.assert_allclose(args[-1].grad.numpy(), targs[-1].grad.numpy(), rtol=1e-5,
                                   atol=1e-6)
