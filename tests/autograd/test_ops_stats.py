"""Statistics ops: the table (tests/autograd/rows_stats.py) and its walks, and written cases
for the behaviour the walks cannot draw: interpolation choices, NaN, weights, bin edges, the
gradient's targets. The written values always run; PyTorch parity runs when it is installed."""
import numpy as np
import pytest

import autograd as ag
from tests.autograd.opspec import torch_walk, walk
from tests.autograd.rows_stats import ROWS as TABLE
from tests.autograd.rows_stats import np_expm


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", [s for s in TABLE if s.torch], ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _grad(fn, values):
    x = ag.tensor(np.asarray(values, np.float64), requires_grad=True)
    fn(x).sum().backward()
    return x.grad.numpy()


# ------------------------------------------------------------------ quantile
QUANTILE = [  # (interpolation, value of q=0.4 over [1, 2, 4, 8], gradient)
    ("linear", 2.4, [0, 0.8, 0.2, 0]),
    ("lower", 2.0, [0, 1, 0, 0]),
    ("higher", 4.0, [0, 0, 1, 0]),
    ("midpoint", 3.0, [0, 0.5, 0.5, 0]),
    ("nearest", 2.0, [0, 1, 0, 0]),
]


@pytest.mark.parametrize("how,value,grad", QUANTILE)
def test_quantile_interpolations_and_where_the_gradient_goes(how, value, grad):
    data = [8.0, 2.0, 1.0, 4.0]  # unsorted: the gradient goes back to the original places
    out = ag.quantile(ag.tensor(data), 0.4, interpolation=how)
    assert out.item() == pytest.approx(value)
    g = _grad(lambda x: ag.quantile(x, 0.4, interpolation=how), data)
    np.testing.assert_allclose(g, [grad[3], grad[1], grad[0], grad[2]], atol=1e-12)


def test_quantile_gradient_among_equal_values_goes_where_pytorchs_does(torch):
    # equal values: the gradient reaches the element torch.sort puts at the rank; past 16
    # elements that sort is C++'s unstable std::sort
    np.testing.assert_array_equal(_grad(lambda x: ag.quantile(x, 0.5), [1.0, 1.0, 1.0]),
                                  [0, 1, 0])
    x = np.random.default_rng(7).integers(0, 3, (3, 40)).astype(np.float64)
    x[0, ::3] = np.nan
    for op, dim in (("quantile", 1), ("nanquantile", 1), ("nanquantile", None)):
        got = _grad(lambda t, op=op, dim=dim: getattr(ag, op)(t, 0.37, dim), x)
        tx = torch.tensor(x, requires_grad=True)
        getattr(torch, op)(tx, 0.37, dim).sum().backward()
        np.testing.assert_allclose(got, tx.grad.numpy())


def test_quantile_gradient_reaches_q():
    q = ag.tensor([0.4, 0.9, 1.0], dtype=ag.float64, requires_grad=True)
    ag.quantile(ag.tensor([1.0, 2.0, 4.0, 8.0], dtype=ag.float64), q).sum().backward()
    assert q.grad.tolist() == [6.0, 12.0, 0.0]  # (above - below)·(n - 1); none at the end


def test_quantile_shapes():
    x = ag.randn(2, 3, 4)
    q = ag.tensor([0.2, 0.8])
    assert ag.quantile(x, q, 1).shape == (2, 2, 4)
    assert ag.quantile(x, q, 1, keepdim=True).shape == (2, 2, 1, 4)
    assert ag.quantile(x, q, keepdim=True).shape == (2, 1, 1, 1)
    assert ag.quantile(x, 0.5).shape == () and ag.quantile(x, ag.tensor(0.5), 0).shape == (3, 4)


def test_quantile_nan_and_nanquantile():
    x = ag.tensor([[1.0, float("nan"), 3.0], [float("nan")] * 3])
    assert np.isnan(ag.quantile(x, 0.5, 1).numpy()).all()
    np.testing.assert_array_equal(ag.nanquantile(x, 0.5, 1).numpy(), [2.0, np.nan])


def test_quantile_errors_are_pytorchs(torch):
    for call in (lambda m: m.quantile(m.tensor([1.0, 2.0]), 1.5),
                 lambda m: m.quantile(m.tensor([1, 2]), 0.5),
                 lambda m: m.quantile(m.tensor([1.0]), m.tensor([[0.5]])),
                 lambda m: m.quantile(m.tensor([1.0]), 0.5, interpolation="x")):
        with pytest.raises(RuntimeError):
            call(torch)
        with pytest.raises(RuntimeError):
            call(ag)


# ------------------------------------------------------------------ cov, corrcoef
def test_cov_written_values_and_weights():
    x = ag.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 4.0]])
    np.testing.assert_allclose(ag.cov(x).numpy(), [[1.0, 1.0], [1.0, 7 / 3]], rtol=1e-6)
    assert ag.cov(ag.tensor([1, 2, 4])).dtype == ag.float32  # integers: a float result
    got = ag.cov(x, fweights=ag.tensor([1, 2, 1]), aweights=ag.tensor([0.5, 1.0, 2.0]))
    want = np.cov(x.numpy(), fweights=[1, 2, 1], aweights=[0.5, 1.0, 2.0])
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    with pytest.warns(UserWarning, match="degrees of freedom"), np.errstate(divide="ignore"):
        assert ag.cov(ag.tensor([1.0, 2.0]), correction=2).item() == float("inf")


def test_corrcoef_of_one_variable_is_one():
    assert ag.corrcoef(ag.tensor([1.0, 2.0, 4.0])).item() == 1.0
    c = ag.corrcoef(ag.tensor([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])).numpy()
    np.testing.assert_allclose(c, [[1, -1], [-1, 1]])


# ------------------------------------------------------------------ histogram
def test_histogram_bin_edge_rules():
    h, e = ag.histogram(ag.tensor([1.0, 1.0]), 3)  # one value: the range widens by 0.5
    np.testing.assert_allclose(e.numpy(), [0.5, 5 / 6, 7 / 6, 1.5], rtol=1e-6)
    np.testing.assert_array_equal(h.numpy(), [0, 2, 0])
    h, e = ag.histogram(ag.tensor([]), 2)  # nothing: the range is [0, 1]
    np.testing.assert_array_equal(e.numpy(), [0, 0.5, 1])
    # the right edge is in the last bin; values outside the range are left out
    h, _ = ag.histogram(ag.tensor([0.0, 1.0, 2.0, 3.0, 9.0]), 3, range=(0.0, 3.0))
    np.testing.assert_array_equal(h.numpy(), [1, 1, 2])
    h, _ = ag.histogram(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([0.0, 1.5, 3.0]), density=True,
                        weight=ag.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(h.numpy(), [1 / 9, 5 / 9], rtol=1e-6)
    assert not h.requires_grad
    with pytest.raises(RuntimeError, match="not finite"):
        ag.histogram(ag.tensor([1.0, float("inf")]), 3)
    with pytest.raises(NotImplementedError, match="histogram"):
        ag.histogram(ag.tensor([1, 2]), 3)


def test_histogram_edges_match_pytorch(torch):
    x = np.random.default_rng(3).standard_normal(50).astype(np.float32)
    for bins, rng in ((7, None), (4, (-0.3, 0.9)), (1, None)):
        h, e = ag.histogram(ag.tensor(x), bins, range=rng)
        th, te = torch.histogram(torch.tensor(x), bins, range=rng)
        np.testing.assert_array_equal(e.numpy(), te.numpy())
        np.testing.assert_array_equal(h.numpy(), th.numpy())


# ------------------------------------------------------------------ dist, renorm, logdet
def test_dist_and_renorm_written_values():
    assert ag.dist(ag.tensor([[0.0, 0.0]]), ag.tensor([3.0, 4.0])).item() == 5.0
    assert ag.dist(ag.tensor([1.0, 5.0]), ag.tensor([1.0, 2.0]), 0).item() == 1.0
    out = ag.renorm(ag.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0).numpy()
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)
    x = ag.tensor([[3.0, 4.0], [0.3, 0.4]])
    with ag.no_grad():
        x.renorm_(2, 0, 1.0)
    np.testing.assert_allclose(x.numpy(), out)


def test_logdet_negative_and_singular(torch):
    neg = [[0.0, 1.0], [1.0, 0.0]]
    assert np.isnan(ag.logdet(ag.tensor(neg)).item())
    assert ag.logdet(ag.tensor([[0.0, 0.0], [1.0, 0.0]])).item() == -np.inf
    np.testing.assert_array_equal(_grad(ag.logdet, neg), [[0, 0], [0, 0]])
    a = torch.tensor(neg, dtype=torch.float64, requires_grad=True)
    torch.logdet(a).backward()
    np.testing.assert_array_equal(a.grad.numpy(), [[0, 0], [0, 0]])


def test_a_single_matrix_holding_nan_gives_nan_determinants():
    m = ag.tensor([[float("nan"), 1.0], [1.0, 1.0]])
    assert np.isnan(ag.det(m).item()) and np.isnan(ag.slogdet(m)[1].item())
    assert np.isnan(ag.logdet(m).item())


# ------------------------------------------------------------------ matrix_exp
def test_matrix_exp_written_values_and_large_norms():
    np.testing.assert_allclose(ag.matrix_exp(ag.tensor([[0.0, 1.0], [0.0, 0.0]])).numpy(),
                               [[1, 1], [0, 1]])
    rot = ag.matrix_exp(ag.tensor([[0.0, -np.pi], [np.pi, 0.0]], dtype=ag.float64)).numpy()
    np.testing.assert_allclose(rot, [[-1, 0], [0, -1]], atol=1e-12)
    a = np.random.default_rng(0).standard_normal((3, 4, 4)) * 4  # needs scaling and squaring
    got = ag.matrix_exp(ag.tensor(a)).numpy()
    np.testing.assert_allclose(got, np_expm(a / 16) @ np_expm(a / 16) @ np_expm(a / 16)
                               @ np_expm(a / 16) @ np.eye(4) @ np.linalg.matrix_power(
                                   np_expm(a / 16), 12), rtol=1e-9)
    assert ag.matrix_exp(ag.zeros(2, 0, 0)).shape == (2, 0, 0)
    assert ag.linalg.matrix_exp is ag.matrix_exp


def test_matrix_exp_gradient_matches_pytorch(torch):
    a = np.random.default_rng(1).standard_normal((2, 3, 3)) * 2
    g = np.random.default_rng(2).standard_normal((2, 3, 3))
    x = ag.tensor(a, requires_grad=True)
    (ag.matrix_exp(x) * ag.tensor(g)).sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    (torch.matrix_exp(tx) * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9)


def test_histc_bins_as_pytorch_computes_them():
    # 0.3 and 0.6 sit on bin edges of [0, 0.9]; PyTorch's (x - min)·bins / (max - min) puts
    # each in the bin below (rounding), where edge comparison would put it above
    x = ag.tensor([0.3, 0.6, 0.9], dtype=ag.float64)
    assert ag.histc(x, 3, 0.0, 0.9).tolist() == [1.0, 1.0, 1.0]
    assert ag.histc(ag.tensor([1.0, 1.0]), 3).tolist() == [0.0, 2.0, 0.0]  # range widens by 1


def test_histc_matches_pytorch(torch):
    rng = np.random.default_rng(4)
    for x, bins, lo, hi in ((rng.standard_normal(60).astype(np.float32), 7, 0, 0),
                            (np.linspace(-1, 1, 41), 10, -1, 1),
                            (np.linspace(-1, 1, 41).astype(np.float32), 7, -0.5, 0.9)):
        np.testing.assert_array_equal(ag.histc(ag.tensor(x), bins, lo, hi).numpy(),
                                      torch.histc(torch.tensor(x), bins, lo, hi).numpy())
