"""Creation and random factories: dtypes, shapes, seeds, statistics, errors, PyTorch parity."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from tests.robustness.bad_input_helpers import check_clear_error

F32, F64, I64 = np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int64)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


# ------------------------------------------------------------------ shapes and dtypes
@pytest.mark.parametrize("make,shape,dtype", [
    (lambda: ag.empty(2, 3), (2, 3), F32),
    (lambda: ag.empty((4,), dtype=ag.int64), (4,), I64),
    (lambda: ag.empty_like(ag.zeros(2, dtype=ag.float64)), (2,), F64),
    (lambda: ag.full_like(ag.tensor([1, 2, 3]), 7), (3,), I64),
    (lambda: ag.full_like(ag.zeros(2, 2), 1.5, dtype=ag.float64), (2, 2), F64),
    (lambda: ag.zeros_like(ag.ones(2, dtype=ag.int64)), (2,), I64),
    (lambda: ag.ones_like(ag.ones(1, 2)), (1, 2), F32),
    (lambda: ag.linspace(0, 10, 5), (5,), F32),
    (lambda: ag.linspace(0, 1, 0, dtype=ag.float64), (0,), F64),
    (lambda: ag.logspace(0, 1, 3), (3,), F32),
    (lambda: ag.arange(5), (5,), I64),
    (lambda: ag.arange(0, 1, 0.25), (4,), F32),
    (lambda: ag.arange(0.0, 3), (3,), F32),
    (lambda: ag.eye(2, 3), (2, 3), F32),
    (lambda: ag.eye(3, 0), (3, 0), F32),
    (lambda: ag.randint(10, (2, 5)), (2, 5), I64),
    (lambda: ag.randint(-3, 3, (4,), dtype=ag.float32), (4,), F32),
    (lambda: ag.randint(0, 2, size=(0, 3)), (0, 3), I64),
    (lambda: ag.randperm(6), (6,), I64),
    (lambda: ag.rand_like(ag.zeros(3, 2)), (3, 2), F32),
    (lambda: ag.randn_like(ag.zeros(3, dtype=ag.float64)), (3,), F64),
    (lambda: ag.randint_like(ag.zeros(2, 2, dtype=ag.int64), 4), (2, 2), I64),
    (lambda: ag.randint_like(ag.zeros(2), 1, 4), (2,), F32),
    (lambda: ag.normal(0.0, 1.0, (3, 4)), (3, 4), F32),
    (lambda: ag.normal(ag.zeros(2, 1, dtype=ag.float64), ag.ones(3, dtype=ag.float64)),
     (2, 3), F64),
    (lambda: ag.normal(ag.zeros(5)), (5,), F32),
    (lambda: ag.normal(1.0, ag.ones(2, 2)), (2, 2), F32),
    (lambda: ag.bernoulli(ag.full((3, 2), 0.5)), (3, 2), F32),
    (lambda: ag.bernoulli(ag.zeros(4, dtype=ag.float64), p=0.3), (4,), F64),
    (lambda: ag.multinomial(ag.ones(5), 3), (3,), I64),
    (lambda: ag.multinomial(ag.ones(2, 4), 6, replacement=True), (2, 6), I64),
    (lambda: ag.tril_indices(3, 3), (2, 6), I64),
    (lambda: ag.triu_indices(3, 4, 1), (2, 6), I64),
])
def test_shape_and_dtype(make, shape, dtype):
    out = make()
    assert out.shape == shape and out.dtype == dtype
    assert not out.requires_grad


def test_requires_grad_and_written_values():
    x = ag.linspace(-1, 1, 3, requires_grad=True)
    assert x.requires_grad and x.is_leaf
    np.testing.assert_allclose(x.array, [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(ag.logspace(0, 3, 4, base=2).array, [1, 2, 4, 8])
    np.testing.assert_allclose(ag.arange(1, 2.5, 0.5).array, [1.0, 1.5, 2.0])
    np.testing.assert_allclose(ag.arange(0, -1, -0.3).array, [0.0, -0.3, -0.6, -0.9], atol=1e-7)
    assert ag.arange(0, 1, 0.1).shape == (10,)  # ceil(1 / 0.1), not 11 from rounding
    assert ag.arange(10, 0, -3).tolist() == [10, 7, 4, 1]
    assert ag.full_like(ag.tensor([1, 2]), 2.7).tolist() == [2, 2]
    assert ag.tril_indices(3, 3).tolist() == [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]
    assert ag.triu_indices(2, 3, -1).tolist() == [[0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2]]
    assert ag.eye(2, 3).tolist() == [[1, 0, 0], [0, 1, 0]]
    assert ag.bernoulli(ag.tensor([0.0, 1.0, 0.0, 1.0])).tolist() == [0, 1, 0, 1]
    assert ag.multinomial(ag.tensor([0.0, 0.0, 3.0]), 4, replacement=True).tolist() == [2] * 4


# ------------------------------------------------------------------ reproducibility
RANDOM = {
    "randint": lambda **g: ag.randint(0, 100, (20,), **g),
    "randperm": lambda **g: ag.randperm(20, **g),
    "rand_like": lambda **g: ag.rand_like(ag.zeros(20), **g),
    "randn_like": lambda **g: ag.randn_like(ag.zeros(20), **g),
    "randint_like": lambda **g: ag.randint_like(ag.zeros(20), 50, **g),
    "normal": lambda **g: ag.normal(0.0, 1.0, (20,), **g),
    "normal-tensor": lambda **g: ag.normal(ag.zeros(20), ag.ones(20), **g),
    "bernoulli": lambda **g: ag.bernoulli(ag.full((20,), 0.5), **g),
    "multinomial": lambda **g: ag.multinomial(ag.ones(20), 10, **g),
    "multinomial-replacement": lambda **g: ag.multinomial(ag.ones(20), 30, True, **g),
}


@pytest.mark.parametrize("name", list(RANDOM))
def test_manual_seed_repeats_and_generator_is_separate(name):
    draw = RANDOM[name]
    ag.manual_seed(3)
    a = draw()
    ag.manual_seed(3)
    b = draw()
    c = draw()
    np.testing.assert_array_equal(a.array, b.array)
    assert not np.array_equal(b.array, c.array), f"{name}: two draws in a row were equal"
    g1, g2 = ag.Generator().manual_seed(11), ag.Generator().manual_seed(11)
    ag.manual_seed(0)
    d = draw(generator=g1)
    state = ag.get_rng_state()
    e = draw(generator=g2)
    np.testing.assert_array_equal(d.data, e.array)
    assert ag.get_rng_state() == state, f"{name}: generator= drew from the global generator"


# ------------------------------------------------------------------ statistics
def test_statistics():
    g = ag.Generator().manual_seed(1234)
    n = 20000
    r = ag.randint(2, 8, (n,), generator=g).array
    assert r.min() == 2 and r.max() == 7 and abs(r.mean() - 4.5) < 0.05
    assert np.allclose(np.bincount(r - 2) / n, 1 / 6, atol=0.01)
    u = ag.rand_like(ag.zeros(n, dtype=ag.float64), generator=g).array
    assert 0 <= u.min() and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    assert abs(u.var() - 1 / 12) < 0.005
    z = ag.randn_like(ag.zeros(n), generator=g).array
    assert abs(z.mean()) < 0.03 and abs(z.var() - 1) < 0.05
    m = ag.normal(ag.tensor([-5.0, 5.0]).reshape(2, 1), ag.tensor([0.5, 2.0]).reshape(2, 1)
                  * ag.ones(2, n), generator=g).array
    assert np.allclose(m.mean(1), [-5, 5], atol=0.05) and np.allclose(m.std(1), [0.5, 2], atol=0.05)
    b = ag.bernoulli(ag.full((n,), 0.3), generator=g).array
    assert set(np.unique(b)) <= {0.0, 1.0} and abs(b.mean() - 0.3) < 0.015
    b = ag.bernoulli(ag.zeros(n), p=0.8, generator=g).array
    assert abs(b.mean() - 0.8) < 0.015
    w = ag.tensor([1.0, 2.0, 0.0, 7.0])
    s = ag.multinomial(w, n, replacement=True, generator=g).array
    assert np.allclose(np.bincount(s, minlength=4) / n, [0.1, 0.2, 0.0, 0.7], atol=0.015)
    p = ag.randperm(50, generator=g).array
    assert sorted(p.tolist()) == list(range(50))


def test_multinomial_without_replacement():
    g = ag.Generator().manual_seed(5)
    w = ag.tensor([[1.0, 1.0, 1.0, 1.0, 0.0], [0.0, 5.0, 1.0, 0.0, 0.0]])
    firsts = []
    for _ in range(2000):
        s = ag.multinomial(w, 2, generator=g).array
        assert len(set(s[0])) == 2 and len(set(s[1])) == 2
        assert 4 not in s[0] and set(s[1]) == {1, 2}
        firsts.append(s[1, 0])
    # the first pick of row 1 is category 1 with probability 5/6
    assert abs(np.mean(np.array(firsts) == 1) - 5 / 6) < 0.03
    s = ag.multinomial(ag.tensor([1.0, 0.0]), 2, generator=g).tolist()
    assert s == [0, 1]  # every category once; the zero-weight one last (as PyTorch)


# ------------------------------------------------------------------ bad arguments
@pytest.mark.parametrize("call,name,needles", [
    (lambda: ag.empty(2, -1), "empty", ("-1",)),
    (lambda: ag.linspace(0, 1, -2), "linspace", ("-2",)),
    (lambda: ag.linspace(0, 1, 2.5), "linspace", ("2.5",)),
    (lambda: ag.logspace(0, 1, -1), "logspace", ("non-negative",)),
    (lambda: ag.linspace(5, 10, 3, dtype=ag.bool), "linspace", ("bool",)),
    (lambda: ag.logspace(0, 1, 3, dtype="bool"), "logspace", ("bool",)),
    (lambda: ag.arange(0, 5, 0), "arange", ("step",)),
    (lambda: ag.arange(0, 5, -1), "arange", ("inconsistent with step sign",)),
    (lambda: ag.arange(0, ag.ones(2)), "arange", ("(2,)",)),
    (lambda: ag.randint(5, 3, (2,)), "randint", ("from=5", "to=3")),
    (lambda: ag.randint(3, 2), "randint", ("tuple",)),
    (lambda: ag.randint((2,)), "randint", ("randint(high, size)",)),
    (lambda: ag.randperm(-1), "randperm", ("-1",)),
    (lambda: ag.rand_like(ag.tensor([1, 2])), "rand_like", ("int64",)),
    (lambda: ag.randn_like([1.0]), "randn_like", ("list",)),
    (lambda: ag.randint_like(ag.zeros(2), 5, 3), "randint_like", ("from=5",)),
    (lambda: ag.normal(0.0, -1.0, (2,)), "normal", ("std >= 0.0",)),
    (lambda: ag.normal(ag.zeros(2), -ag.ones(2)), "normal", ("std >= 0.0",)),
    (lambda: ag.normal(ag.zeros(2), ag.ones(3)), "normal", ("(2,)", "(3,)")),
    (lambda: ag.normal(0.0, 1.0), "normal", ("size",)),
    (lambda: ag.bernoulli(ag.tensor([1.5])), "bernoulli", ("[0, 1]", "1.5")),
    (lambda: ag.bernoulli(ag.tensor([1, 0])), "bernoulli", ("int64",)),
    (lambda: ag.bernoulli(ag.zeros(2), p=2.0), "bernoulli", ("2.0",)),
    (lambda: ag.multinomial(ag.ones(2), 3), "multinomial", ("without replacement",)),
    (lambda: ag.multinomial(ag.tensor([-1.0, 0.5]), 1), "multinomial", ("< 0",)),
    (lambda: ag.multinomial(ag.zeros(2), 1), "multinomial", ("sum of probabilities",)),
    (lambda: ag.multinomial(ag.ones(2, 2, 2), 1), "multinomial", ("(2, 2, 2)",)),
    (lambda: ag.multinomial(ag.ones(3), 0), "multinomial", ("n_sample <= 0",)),
    (lambda: ag.tril_indices(-1, 3), "tril_indices", ("row", "-1")),
    (lambda: ag.triu_indices(3, -2), "triu_indices", ("col", "-2")),
    (lambda: ag.eye(-1), "eye", ("-1",)),
    (lambda: ag.randn(2, generator="seed"), "randn", ()),
    (lambda: ag.randint(3, (2,), generator=0), "randint", ("generator",)),
])
def test_bad_arguments(call, name, needles):
    check_clear_error(call, name, needles)


def test_value_errors_are_runtime_errors_as_in_pytorch():
    for call in (lambda: ag.randint(5, 3, (2,)), lambda: ag.multinomial(ag.zeros(2), 1),
                 lambda: ag.arange(0, 5, -1), lambda: ag.linspace(0, 1, -1)):
        with pytest.raises(RuntimeError):
            call()
        with pytest.raises(ValueError):
            call()


def test_bool_spacing_is_not_implemented_as_in_pytorch():
    for call in (lambda: ag.linspace(5, 10, 3, dtype=ag.bool),
                 lambda: ag.logspace(1, 2, 3, dtype=bool)):
        with pytest.raises(NotImplementedError, match="not implemented for dtype bool"):
            call()
        with pytest.raises(RuntimeError):  # NotImplementedError is one, as in PyTorch
            call()
    assert ag.linspace(5, -5, 6, dtype=ag.int32).tolist() == [5, 3, 1, -1, -3, -5]
    assert ag.linspace(0, 10, 4, dtype=ag.int64).tolist() == [0, 3, 6, 10]


def test_linspace_errors_and_int_dtypes_match_pytorch(torch):
    for kw in (dict(steps=3, dtype="bool"), dict(steps=-1)):
        mine = dict(kw, dtype=getattr(ag, kw["dtype"])) if "dtype" in kw else kw
        theirs = dict(kw, dtype=getattr(torch, kw["dtype"])) if "dtype" in kw else kw
        with pytest.raises(RuntimeError) as want:
            torch.linspace(1, 2, **theirs)
        with pytest.raises(type(want.value)):
            ag.linspace(1, 2, **mine)
    for a, b, n in ((5, 10, 20), (5, -5, 20), (-3.5, 3.5, 5)):
        assert (ag.linspace(a, b, n, dtype=ag.int32).tolist()
                == torch.linspace(a, b, n, dtype=torch.int32).tolist())


# ------------------------------------------------------------------ PyTorch parity
@pytest.mark.parametrize("args", [(0, 1, 5), (-3, 7.5, 11), (2, 2, 4), (1, 0, 1), (0, 1, 0),
                                  (0.1, 1e3, 33), (-1.3, 2.9, 1000)])
def test_linspace_logspace_match_pytorch(torch, args):
    np.testing.assert_allclose(ag.linspace(*args).data, torch.linspace(*args).numpy(),
                               rtol=1e-6, atol=1e-6)
    for dtype in ("float64", "float32"):
        got = ag.linspace(*args, dtype=getattr(ag, dtype))
        want = torch.linspace(*args, dtype=getattr(torch, dtype))
        assert str(got.dtype) == dtype
        np.testing.assert_allclose(got.array, want.numpy(), rtol=1e-6, atol=1e-6)
    a, b, n = args
    for base in (10.0, 2.0):
        np.testing.assert_allclose(ag.logspace(a / 1e3, b / 1e3, n, base).array,
                                   torch.logspace(a / 1e3, b / 1e3, n, base).numpy(),
                                   rtol=1e-5)


@pytest.mark.parametrize("args", [(5,), (0, 1, 0.1), (1, 2.5, 0.5), (-1, 1, 0.3),
                                  (0, -3.1, -0.7), (0.5, 10.2, 0.11), (1e-3, 1, 1 / 3),
                                  (2, 2, 0.5), (10, 0, -3), (0.0, 5), (3, 1e4, 7.77)])
def test_arange_matches_pytorch(torch, args):
    got, want = ag.arange(*args), torch.arange(*args)
    assert got.shape == tuple(want.shape), args
    assert str(got.dtype) == str(want.dtype).replace("torch.", "")
    np.testing.assert_allclose(got.array, want.numpy(), rtol=1e-6)


@pytest.mark.parametrize("rco", [(3, 4, 1), (4, 3, -1), (0, 3, 0), (3, 0, 0), (5, 5, -7),
                                 (2, 2, 9), (4, 6, 2)])
def test_triangle_indices_match_pytorch(torch, rco):
    np.testing.assert_array_equal(ag.tril_indices(*rco).data, torch.tril_indices(*rco).numpy())
    np.testing.assert_array_equal(ag.triu_indices(*rco).data, torch.triu_indices(*rco).numpy())


def test_dtype_defaults_match_pytorch(torch):
    pairs = [(ag.randint(3, (2,)), torch.randint(3, (2,))),
             (ag.randperm(3), torch.randperm(3)),
             (ag.linspace(0, 1, 3), torch.linspace(0, 1, 3)),
             (ag.eye(2, 3), torch.eye(2, 3)),
             (ag.empty(2), torch.empty(2)),
             (ag.full_like(ag.tensor([1, 2]), 2.7), torch.full_like(torch.tensor([1, 2]), 2.7)),
             (ag.randint_like(ag.zeros(2), 3), torch.randint_like(torch.zeros(2), 3)),
             (ag.normal(ag.zeros(2, dtype=ag.float64)), torch.normal(torch.zeros(2,
                                                                               dtype=torch.float64))),
             (ag.multinomial(ag.ones(3), 2), torch.multinomial(torch.ones(3), 2)),
             (ag.tril_indices(2, 2), torch.tril_indices(2, 2))]
    for ours, theirs in pairs:
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        assert ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ag.eye(3, 2).data, torch.eye(3, 2).numpy())
    np.testing.assert_array_equal(ag.full_like(ag.tensor([1, 2]), 2.7).array,
                                  torch.full_like(torch.tensor([1, 2]), 2.7).numpy())
