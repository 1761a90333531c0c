"""Tensor introspection as PyTorch reports it: strides, storage, contiguity, device and
dtype queries, as_strided (values, gradients, refused misuse), the post-accumulate grad hook,
retains_grad, the callable fills and the sampling methods."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag

# (what, build(lib) -> tensor, stride, storage_offset, is_contiguous) as PyTorch reports them
GEOMETRY = [
    ("fresh", lambda L: L.ones(2, 3), (3, 1), 0, True),
    ("transpose", lambda L: L.arange(6.0).reshape(2, 3).t(), (1, 3), 0, False),
    ("permute", lambda L: L.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1), (1, 12, 4), 0,
     False),
    ("column slice", lambda L: L.arange(6.0).reshape(2, 3)[:, 1:], (3, 1), 1, False),
    ("row", lambda L: L.arange(6.0).reshape(2, 3)[1], (1,), 3, True),
    ("step 2", lambda L: L.arange(6.0).reshape(2, 3)[:, ::2], (3, 2), 0, False),
    ("expand", lambda L: L.arange(6.0).reshape(2, 3).expand(4, 2, 3), (0, 3, 1), 0, False),
    ("expand to one", lambda L: L.ones(3).expand(1, 3), (3, 1), 0, True),
    ("None in front", lambda L: L.ones(3)[None], (3, 1), 0, True),
    ("None inside", lambda L: L.ones(2, 3)[:, None], (3, 3, 1), 0, True),
    ("None at the end", lambda L: L.ones(2, 3)[:, :, None], (3, 1, 1), 0, True),
    ("unsqueeze of a transpose", lambda L: L.ones(2, 3).t().unsqueeze(0), (3, 1, 3), 0, False),
    ("None and a column", lambda L: L.arange(6.0).reshape(3, 2)[None, :, 1], (6, 2), 1, False),
]


@pytest.mark.parametrize("what,build,stride,offset,contiguous", GEOMETRY,
                         ids=[g[0] for g in GEOMETRY])
def test_strides_offsets_and_contiguity(what, build, stride, offset, contiguous):
    x = build(ag)
    assert x.stride() == stride
    assert x.stride(-1) == stride[-1] and x.stride(0) == stride[0]
    assert x.storage_offset() == offset
    assert x.is_contiguous() is contiguous


@pytest.mark.parametrize("what,build,stride,offset,contiguous", GEOMETRY,
                         ids=[g[0] for g in GEOMETRY])
def test_geometry_matches_pytorch(what, build, stride, offset, contiguous):
    torch = pytest.importorskip("torch")
    t, x = build(torch), build(ag)
    assert (x.stride(), x.storage_offset(), x.is_contiguous()) == \
        (t.stride(), t.storage_offset(), t.is_contiguous())


def test_stride_of_a_bad_dim_is_an_index_error():
    with pytest.raises(IndexError, match=r"range of \[-2, 1\], but got 2"):
        ag.ones(2, 3).stride(2)
    with pytest.raises(IndexError, match="no dimensions"):
        ag.tensor(1.0).stride(0)
    assert ag.tensor(1.0).stride() == ()


def test_channels_last_contiguity():
    nhwc = ag.ones(2, 4, 5, 3).permute(0, 3, 1, 2)  # NCHW shape, channels-last memory
    assert nhwc.is_contiguous(memory_format=ag.channels_last)
    assert not nhwc.is_contiguous()
    assert not ag.ones(2, 3, 4, 5).is_contiguous(memory_format=ag.channels_last)
    assert ag.ones(2, 3, 4, 5).is_contiguous(memory_format=ag.contiguous_format)
    assert not ag.ones(3).is_contiguous(memory_format=ag.channels_last)
    ndhwc = ag.ones(2, 4, 5, 6, 3).permute(0, 4, 1, 2, 3)
    assert ndhwc.is_contiguous(memory_format=ag.channels_last_3d)


def test_channels_last_matches_pytorch():
    torch = pytest.importorskip("torch")
    for shape, perm in [((2, 4, 5, 3), (0, 3, 1, 2)), ((2, 3, 4, 5), (0, 1, 2, 3)),
                        ((2, 1, 4, 5), (0, 1, 2, 3)), ((2, 3, 1, 1), (0, 1, 2, 3))]:
        ours = ag.ones(*shape).permute(*perm).is_contiguous(memory_format=ag.channels_last)
        theirs = torch.ones(*shape).permute(*perm).is_contiguous(
            memory_format=torch.channels_last)
        assert ours == theirs, (shape, perm)


def test_data_ptr_is_numpys_address_and_moves_with_the_offset():
    x = ag.arange(6.0)
    assert x.data_ptr() == x.numpy().ctypes.data
    assert x[2:].data_ptr() == x.data_ptr() + 2 * 4


def test_small_queries():
    x = ag.ones(2, 3)
    assert x.ndimension() == 2 and x.nelement() == 6
    assert x.is_cpu and x.get_device() == -1
    assert x.is_signed() and ag.tensor(3).is_signed()
    assert not ag.tensor(3, dtype=ag.uint8).is_signed() and not ag.tensor(True).is_signed()
    assert x.char().dtype == np.int8 and x.char().tolist() == [[1] * 3] * 2
    assert not x.is_inference() and not x.is_pinned() and not x.is_shared()
    assert x.pin_memory() is x and x.share_memory_() is x


def test_is_nonzero_wants_exactly_one_value():
    assert ag.tensor([1.5]).is_nonzero() and not ag.tensor(0.0).is_nonzero()
    assert ag.tensor([[True]]).is_nonzero()
    with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
        ag.tensor([1, 2]).is_nonzero()
    with pytest.raises(RuntimeError, match="no values is ambiguous"):
        ag.zeros(0).is_nonzero()


def test_new_empty_strided_has_the_strides_asked_for():
    x = ag.ones(2, dtype=ag.float64)
    y = x.new_empty_strided((2, 3), (1, 2))
    assert y.shape == (2, 3) and y.stride() == (1, 2) and y.dtype == np.float64
    assert x.new_empty_strided((2,), (1,), dtype=ag.int64).dtype == np.int64
    assert x.new_empty_strided((2,), (1,), requires_grad=True).requires_grad


# ------------------------------------------------------------------ as_strided
def test_as_strided_views_the_storage():
    base = ag.arange(6.0)
    assert base.as_strided((2, 2), (1, 2), 1).tolist() == [[1.0, 3.0], [2.0, 4.0]]
    tail = base[2:]
    assert tail.as_strided((2,), (1,)).tolist() == [2.0, 3.0]     # from tail's own offset
    assert tail.as_strided((2,), (1,), 0).tolist() == [0.0, 1.0]  # storage before tail
    w = ag.zeros(4)
    w.as_strided((2,), (2,)).add_(1)  # writes reach the storage and the version
    assert w.tolist() == [1.0, 0.0, 1.0, 0.0] and w._version == 1
    assert ag.as_strided(ag.arange(3.0), (2, 2), (1, 1)).tolist() == [[0.0, 1.0], [1.0, 2.0]]


def test_as_strided_gradient_sums_overlapping_outputs():
    x = ag.arange(6.0, dtype=ag.float64).requires_grad_()
    x.as_strided((2, 3), (1, 1)).backward(ag.arange(6.0, dtype=ag.float64).reshape(2, 3))
    assert x.grad.tolist() == [0.0, 4.0, 6.0, 5.0, 0.0, 0.0]


def test_as_strided_of_an_overlapping_input_shares_the_gradient():
    b = ag.arange(3.0, requires_grad=True)
    b.expand(2, 3).as_strided((3,), (1,)).backward(ag.tensor([1.0, 2.0, 3.0]))
    assert b.grad.tolist() == [1.0, 2.0, 3.0]  # each position held twice gets half twice


@pytest.mark.parametrize("make,size,stride,offset", [
    (lambda: ag.randn(6, dtype=ag.float64), (2, 2), (1, 2), 1),
    (lambda: ag.randn(6, dtype=ag.float64), (3, 3), (1, 1), 0),
    (lambda: ag.randn(2, 3, dtype=ag.float64), (2, 2), (1, 1), 1),
])
def test_as_strided_gradcheck(make, size, stride, offset):
    x = make().requires_grad_()
    assert ag.gradcheck(lambda t: (t * 1.5).as_strided(size, stride, offset), (x,))
    assert ag.gradgradcheck(lambda t: (t * t).as_strided(size, stride, offset), (x,))
    assert ag.gradcheck(lambda t: t.t().as_strided(size, stride, offset) if t.ndim == 2
                        else t.as_strided(size, stride, offset), (x,))


def test_as_strided_gradient_matches_pytorch():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(0).normal(size=(3, 4))
    grads = []
    for lib in (ag, torch):
        x = lib.tensor(data, requires_grad=True)
        y = (x * 2).t().as_strided((3, 3), (2, 1), 1)
        (y * y).sum().backward()
        grads.append(np.asarray(x.grad.tolist()))
    np.testing.assert_allclose(grads[0], grads[1])


def _written(view, op):
    def build(lib, x):
        y = x * 1
        op(view(y))
        return (y * y).sum()
    return build


WRITES = [
    # (name, build(lib, x) -> loss, the gradient PyTorch gives x = [[1, 2, 3], [4, 5, 6]])
    ("2x2 window times 10", _written(lambda y: y.as_strided((2, 2), (1, 3), 1),
                                     lambda v: v.mul_(10)),
     [[2, 400, 600], [8, 1000, 1200]]),
    ("of a transpose", _written(lambda y: y.t().as_strided((3,), (1,), 2),
                                lambda v: v.mul_(2)),
     [[2, 4, 24], [32, 40, 12]]),
    ("of a row, reaching the row before", _written(lambda y: y[1].as_strided((2,), (1,), 0),
                                                   lambda v: v.mul_(3)),
     [[18, 36, 6], [8, 10, 12]]),
    ("of a column slice", _written(lambda y: y[:, 1:].as_strided((2,), (3,)),
                                   lambda v: v.mul_(3)),
     [[2, 36, 6], [8, 90, 12]]),
]


def _written_grad(lib, build):
    x = lib.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    build(lib, x).backward()
    return np.asarray(x.grad.tolist())


@pytest.mark.parametrize("name,build,expected", WRITES, ids=[w[0] for w in WRITES])
def test_writes_through_as_strided_give_pytorchs_gradients(name, build, expected):
    np.testing.assert_allclose(_written_grad(ag, build), np.asarray(expected, float))


@pytest.mark.parametrize("name,build,expected", WRITES, ids=[w[0] for w in WRITES])
def test_writes_through_as_strided_match_pytorch(name, build, expected):
    torch = pytest.importorskip("torch")
    np.testing.assert_allclose(_written_grad(ag, build), _written_grad(torch, build))


def test_as_strided_view_is_taken_again_after_its_base_changes():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y.as_strided((2,), (1,), 1)
    y.mul_(3)
    (v * v).sum().backward()
    assert x.grad.tolist() == [0.0, 36.0, 54.0]
    assert v.storage_offset() == 1 and v[1:].storage_offset() == 2


def test_as_strided_bad_geometry_raises_as_pytorch():
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 24"):
        ag.arange(6.0).as_strided((3,), (3,))
    with pytest.raises(RuntimeError, match="Negative strides are not supported"):
        ag.arange(6.0).as_strided((2,), (-1,))
    with pytest.raises(RuntimeError, match="mismatch in length of strides and shape"):
        ag.arange(6.0).as_strided((2, 2), (1,))


def test_writing_into_overlapping_memory_is_refused():
    for view in (ag.zeros(4).as_strided((2, 2), (1, 1)), ag.ones(3).expand(2, 3)):
        with pytest.raises(RuntimeError, match="single memory location"):
            view.add_(1)
    y = ag.ones(3, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="clone"):  # through a recorded view: refused
        y.as_strided((2, 2), (1, 1)).mul_(2)


# ------------------------------------------------------------------ autograd queries and hooks
def test_retains_grad_follows_retain_grad():
    x = ag.ones(2, requires_grad=True)
    y = x * 2
    assert not x.retains_grad and not y.retains_grad
    y.retain_grad()
    assert y.retains_grad and not (x * 3).retains_grad


def test_post_accumulate_grad_hook_sees_the_accumulated_grad():
    w = ag.ones(2, requires_grad=True)
    seen = []
    handle = w.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (w * 3).sum().backward()
    (w * 3).sum().backward()
    assert seen == [[3.0, 3.0], [6.0, 6.0]]
    ag.grad((w * 2).sum(), w)  # autograd.grad leaves .grad alone: no hook
    assert len(seen) == 2
    handle.remove()
    (w * 3).sum().backward()
    assert len(seen) == 2


def test_post_accumulate_grad_hook_can_step_in_place():
    w = ag.ones(2, requires_grad=True)

    def sgd(p):
        with ag.no_grad():
            p.sub_(0.5 * p.grad)
        p.grad = None

    w.register_post_accumulate_grad_hook(sgd)
    (w * w).sum().backward()
    assert w.tolist() == [0.0, 0.0] and w.grad is None


def test_post_accumulate_grad_hook_needs_a_leaf_that_requires_grad():
    with pytest.raises(RuntimeError, match="non-leaf"):
        (ag.ones(2, requires_grad=True) * 1).register_post_accumulate_grad_hook(print)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ag.ones(2).register_post_accumulate_grad_hook(print)


def test_post_accumulate_grad_hook_matches_pytorch():
    torch = pytest.importorskip("torch")
    out = []
    for lib in (ag, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        seen = []
        w.register_post_accumulate_grad_hook(lambda t, seen=seen: seen.append(t.grad.tolist()))
        (w * w).sum().backward()
        (w * 3).sum().backward()
        out.append(seen)
    assert out[0] == out[1]


# ------------------------------------------------------------------ callables and sampling
def test_apply_and_map_run_python_callables():
    assert ag.tensor([1, 2, 3]).apply_(lambda v: v * v).tolist() == [1, 4, 9]
    assert ag.ones(2, dtype=ag.int64).apply_(lambda v: v * 2.7).tolist() == [2, 2]
    x = ag.ones(2)
    assert x.map_(ag.tensor([1.0, 2.0]), lambda a, b: a + b).tolist() == [2.0, 3.0]
    assert x._version == 1
    with pytest.raises(RuntimeError, match=r"Can't call apply_\(\) on Variable that requires"):
        ag.ones(2, requires_grad=True).apply_(lambda v: v)
    with pytest.raises(RuntimeError, match="map_"):
        (ag.ones(2, requires_grad=True) * 1).map_(ag.ones(2), lambda a, b: a)


def test_sampling_methods_and_random_fills():
    ag.manual_seed(0)
    draws = ag.full((2000,), 0.25).bernoulli()
    assert set(np.unique(draws.numpy())) <= {0.0, 1.0} and 0.2 < float(draws.mean()) < 0.3
    assert float(ag.zeros(2000).bernoulli(p=0.75).mean()) == pytest.approx(0.75, abs=0.05)
    assert ag.tensor([[0.0, 1.0, 0.0]]).multinomial(2, True).tolist() == [[1, 1]]
    geo = ag.zeros(4000).geometric_(0.5)
    assert geo.min().item() == 1.0 and float(geo.mean()) == pytest.approx(2.0, rel=0.1)
    logn = ag.zeros(4000, dtype=ag.float64).log_normal_(0.0, 0.5)
    assert float(logn.log().mean()) == pytest.approx(0.0, abs=0.05)
    assert float(logn.log().std()) == pytest.approx(0.5, rel=0.1)
    cau = ag.zeros(4000).cauchy_(2.0, 0.5)
    assert float(cau.median()) == pytest.approx(2.0, abs=0.1)
    g1, g2 = ag.Generator().manual_seed(4), ag.Generator().manual_seed(4)
    assert ag.zeros(3).cauchy_(generator=g1).tolist() == ag.zeros(3).cauchy_(generator=g2).tolist()
    with pytest.raises(RuntimeError, match="geometric_"):
        ag.ones(2, requires_grad=True).geometric_(0.5)
