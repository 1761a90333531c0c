"""torch.* utilities scripts call around training: precision and device settings, seeds,
shape and dtype queries, asarray / scalar_tensor, and the window functions."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd as ag

WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]


def test_matmul_precision_is_stored():
    assert ag.get_float32_matmul_precision() == "highest"
    try:
        ag.set_float32_matmul_precision("medium")
        assert ag.get_float32_matmul_precision() == "medium"
        with pytest.warns(UserWarning, match="low is not one of"):
            ag.set_float32_matmul_precision("low")
        assert ag.get_float32_matmul_precision() == "medium"
    finally:
        ag.set_float32_matmul_precision("highest")


def test_default_device_is_the_cpu():
    ag.set_default_device("cpu")
    ag.set_default_device(None)
    assert ag.get_default_device() == ag.device("cpu")
    with pytest.raises(RuntimeError, match="set_default_device: device 'cuda' is not available"):
        ag.set_default_device("cuda")


def test_seeds():
    ag.manual_seed(5)
    assert ag.initial_seed() == 5
    s = ag.seed()
    assert isinstance(s, int) and s == ag.initial_seed()
    a = ag.randn(3)
    ag.manual_seed(s)
    assert ag.randn(3).tolist() == a.tolist()  # seed() seeded the global generator


def test_thread_and_denormal_settings():
    n = ag.get_num_interop_threads()
    assert isinstance(n, int) and n >= 1
    ag.set_num_interop_threads(2)
    assert ag.get_num_interop_threads() == 2
    ag.set_num_interop_threads(n)
    with pytest.raises(RuntimeError, match="positive number of threads"):
        ag.set_num_interop_threads(0)
    assert ag.set_flush_denormal(True) is False  # numpy cannot flush denormals
    assert ag.set_flush_denormal(False) is False


def test_broadcast_shapes():
    assert ag.broadcast_shapes((2, 1), (1, 3), 3) == ag.Size([2, 3])
    assert ag.broadcast_shapes() == ag.Size([])
    assert repr(ag.broadcast_shapes((4, 1, 2), (5, 1))) == "torch.Size([4, 5, 2])"
    with pytest.raises(RuntimeError, match="Shape mismatch"):
        ag.broadcast_shapes((2,), (3,))


def test_broadcast_shapes_matches_pytorch():
    torch = pytest.importorskip("torch")
    for shapes in [((2, 1), (1, 3), 3), ((5, 1, 4), (3, 1)), ((0,), (1,)), ()]:
        assert tuple(ag.broadcast_shapes(*shapes)) == tuple(torch.broadcast_shapes(*shapes))


DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]


def test_can_cast():
    assert ag.can_cast(ag.float64, ag.float32) and ag.can_cast(ag.int64, ag.float16)
    assert ag.can_cast(ag.bool, ag.uint8) and ag.can_cast(ag.uint8, ag.int8)
    assert not ag.can_cast(ag.float32, ag.int32) and not ag.can_cast(ag.int64, ag.bool)
    assert not ag.can_cast(ag.complex64, ag.float64)


def test_can_cast_matches_pytorch():
    torch = pytest.importorskip("torch")
    for a in DTYPES:
        for b in DTYPES:
            assert ag.can_cast(getattr(ag, a), getattr(ag, b)) == \
                torch.can_cast(getattr(torch, a), getattr(torch, b)), (a, b)


def test_small_predicates():
    assert ag.is_same_size(ag.ones(2, 3), ag.zeros(2, 3))
    assert not ag.is_same_size(ag.ones(2, 3), ag.ones(3, 2))
    assert ag.is_nonzero(ag.tensor([2])) and not ag.is_nonzero(ag.tensor(0.0))
    with pytest.raises(RuntimeError, match="ambiguous"):
        ag.is_nonzero(ag.ones(2))
    assert ag.is_signed(ag.ones(1)) and not ag.is_signed(ag.ones(1, dtype=ag.uint8))


def test_scalar_tensor():
    t = ag.scalar_tensor(3)
    assert t.shape == () and t.dtype == np.float32 and t.item() == 3.0
    assert ag.scalar_tensor(True).item() == 1.0
    assert ag.scalar_tensor(3, dtype=ag.int64).dtype == np.int64
    assert ag.scalar_tensor(2.5, dtype=ag.float64, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="scalar_tensor"):
        ag.scalar_tensor([1.0, 2.0])


def test_asarray_shares_memory_when_it_can():
    a = np.ones(3)
    t = ag.asarray(a)
    a[0] = 5.0
    assert t.tolist() == [5.0, 1.0, 1.0] and t.dtype == np.float64
    c = ag.asarray(a, copy=True)
    a[1] = 7.0
    assert c.tolist() == [5.0, 1.0, 1.0]
    f = ag.asarray(a, dtype=ag.float32)  # a conversion copies
    assert f.dtype == np.float32 and not np.shares_memory(f.numpy(), a)
    with pytest.raises(ValueError, match="can't alias"):
        ag.asarray(a, dtype=ag.float32, copy=False)
    x = ag.ones(2)
    assert ag.asarray(x) is x and ag.asarray(x, copy=True) is not x
    assert ag.asarray(x, dtype=ag.float64).dtype == np.float64
    assert ag.asarray([1.0, 2.0]).dtype == np.float32 and ag.asarray(3).dtype == np.int64
    assert ag.asarray(memoryview(np.arange(3, dtype=np.int32))).dtype == np.int32


def test_asarray_requires_grad_follows_the_tensor():
    w = ag.ones(2, requires_grad=True)
    assert ag.asarray(w).requires_grad
    d = ag.asarray(w, requires_grad=False)
    assert not d.requires_grad and np.shares_memory(d.numpy(), w.numpy())
    assert ag.asarray([1.0], requires_grad=True).requires_grad


def test_asarray_matches_pytorch():
    torch = pytest.importorskip("torch")
    a = np.arange(4.0)
    for kwargs in [{}, {"dtype": "float32"}, {"copy": True}]:
        kw_ours = {k: getattr(ag, v) if k == "dtype" else v for k, v in kwargs.items()}
        kw_torch = {k: getattr(torch, v) if k == "dtype" else v for k, v in kwargs.items()}
        ours, theirs = ag.asarray(a, **kw_ours), torch.asarray(a, **kw_torch)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        assert np.shares_memory(ours.numpy(), a) == np.shares_memory(theirs.numpy(), a)


# ------------------------------------------------------------------ windows
def test_window_values():
    assert ag.hann_window(4).tolist() == [0.0, 0.5, 1.0, 0.5]
    np.testing.assert_allclose(ag.hann_window(5, periodic=False).numpy(),
                               [0, 0.5, 1, 0.5, 0], atol=1e-7)
    np.testing.assert_allclose(ag.hamming_window(3, periodic=False).numpy(), [0.08, 1, 0.08],
                               atol=1e-7)
    np.testing.assert_allclose(ag.hamming_window(5, False, 0.5, 0.5).numpy(),
                               [0, 0.5, 1, 0.5, 0], atol=1e-7)
    np.testing.assert_allclose(ag.blackman_window(3, periodic=False).numpy(), [0, 1, 0],
                               atol=1e-7)
    assert ag.bartlett_window(4).tolist() == [0.0, 0.5, 1.0, 0.5]
    assert ag.kaiser_window(3, periodic=False, beta=0.0).tolist() == [1.0, 1.0, 1.0]
    np.testing.assert_allclose(ag.kaiser_window(3, periodic=False, beta=2.0).numpy(),
                               [1 / np.i0(2.0), 1, 1 / np.i0(2.0)], rtol=1e-6)


@pytest.mark.parametrize("name", WINDOWS)
def test_window_lengths_dtypes_and_errors(name):
    make = getattr(ag, name)
    assert make(0).shape == (0,) and make(1).tolist() == [1.0]
    assert make(6).dtype == np.float32 and make(6, dtype=ag.float64).dtype == np.float64
    assert make(6, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        make(5, dtype=ag.int64)
    with pytest.raises(RuntimeError, match="non-negative window_length"):
        make(-1)
    with pytest.raises(RuntimeError, match="not available"):
        make(5, device="cuda")


@pytest.mark.parametrize("name", WINDOWS)
def test_windows_match_pytorch(name):
    torch = pytest.importorskip("torch")
    for length in (0, 1, 2, 3, 5, 8, 17):
        for periodic in (True, False):
            for dt in ("float32", "float64"):
                ours = getattr(ag, name)(length, periodic, dtype=getattr(ag, dt))
                theirs = getattr(torch, name)(length, periodic, dtype=getattr(torch, dt))
                assert ours.dtype == np.dtype(dt) and ours.shape == tuple(theirs.shape)
                np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=2e-6)


def test_memory_format_names_print_as_pytorch():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert repr(ag.channels_last) == "torch.channels_last"
        assert repr(ag.contiguous_format) == "torch.contiguous_format"
