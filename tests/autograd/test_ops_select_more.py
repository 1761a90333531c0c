"""Targeted cases for the reductions, scans and selection ops whose edge behaviour is PyTorch's:
ties, zeros in products, repeated scatter positions, stable sorts, PyTorch's indexing rules.
The written values always run; the same calls are compared with PyTorch when it is installed."""
import numpy as np
import pytest

import autograd as ag


def _grad(fn, values, dtype="float64"):
    x = ag.tensor(values, dtype=dtype, requires_grad=True)
    fn(x).sum().backward()
    return x.grad.tolist()


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _torch_grad(torch, fn, values):
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    fn(x).sum().backward()
    return x.grad.tolist()


# ------------------------------------------------------------------ zeros in products
PROD_CASES = [
    ("one zero", lambda m: m.prod(), [[0.0, 2.0], [3.0, 4.0]], [[24.0, 0.0], [0.0, 0.0]]),
    ("two zeros", lambda m: m.prod(), [[0.0, 2.0], [3.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]]),
    ("per row", lambda m: m.prod(1), [[0.0, 2.0], [3.0, 0.0]], [[2.0, 0.0], [0.0, 3.0]]),
    ("cumprod", lambda m: m.cumprod(0), [1.0, 0.0, 3.0, 0.0], [1.0, 4.0, 0.0, 0.0]),
    ("cumprod later zero", lambda m: m.cumprod(0), [1.0, 2.0, 0.0, 3.0], [3.0, 1.0, 8.0, 0.0]),
]


@pytest.mark.parametrize("name, fn, values, want", PROD_CASES, ids=[c[0] for c in PROD_CASES])
def test_product_gradients_at_zeros(name, fn, values, want):
    assert _grad(fn, values) == want


@pytest.mark.parametrize("name, fn, values, want", PROD_CASES, ids=[c[0] for c in PROD_CASES])
def test_product_gradients_at_zeros_match_pytorch(torch, name, fn, values, want):
    assert _torch_grad(torch, fn, values) == want


def test_prod_gradgradcheck_at_a_single_zero():
    x = ag.tensor([[0.0, 2.0, -1.5], [0.5, 1.5, 3.0]], dtype="float64", requires_grad=True)
    assert ag.gradcheck(lambda t: t.prod(1), (x,))
    assert ag.gradgradcheck(lambda t: t.prod(1), (x,))


# ------------------------------------------------------------------ ties
TIE_CASES = [
    ("amax", lambda m: m.amax(), [[3.0, 1.0], [3.0, 3.0]], [[1 / 3, 0.0], [1 / 3, 1 / 3]]),
    ("amax dims", lambda m: m.amax(1), [[3.0, 3.0], [1.0, 2.0]], [[0.5, 0.5], [0.0, 1.0]]),
    ("amin", lambda m: m.amin(0), [[1.0, 2.0], [1.0, 0.0]], [[0.5, 0.0], [0.5, 1.0]]),
    ("median", lambda m: m.median(), [1.0, 2.0, 2.0, 5.0], [0.0, 0.5, 0.5, 0.0]),
    ("inf norm", lambda m: m.norm(float("inf")), [3.0, -3.0, 1.0], [0.5, -0.5, 0.0]),
    ("2-norm at 0", lambda m: m.norm(), [0.0, 0.0], [0.0, 0.0]),
]


@pytest.mark.parametrize("name, fn, values, want", TIE_CASES, ids=[c[0] for c in TIE_CASES])
def test_ties_share_the_gradient(name, fn, values, want):
    np.testing.assert_allclose(_grad(fn, values), want)


@pytest.mark.parametrize("name, fn, values, want", TIE_CASES, ids=[c[0] for c in TIE_CASES])
def test_ties_match_pytorch(torch, name, fn, values, want):
    np.testing.assert_allclose(_torch_grad(torch, fn, values), want)


def test_running_max_and_median_indices_on_ties():
    x = ag.tensor([1.0, 3.0, 3.0, 2.0, 3.0])
    assert ag.cummax(x, 0).indices.tolist() == [0, 1, 2, 2, 4]  # the latest of equal maxima
    assert ag.cummin(ag.tensor([2.0, 1.0, 1.0, 3.0, 1.0]), 0).indices.tolist() == [0, 1, 2, 2, 4]
    assert ag.median(ag.tensor([[2.0, 1.0, 2.0, 5.0]]), 1).indices.tolist() == [0]
    assert ag.median(ag.tensor([4.0, 1.0, 3.0, 2.0])).item() == 2.0  # the lower median


def test_running_max_and_median_match_pytorch(torch):
    vals = [1.0, 3.0, 3.0, 2.0, 3.0]
    assert torch.cummax(torch.tensor(vals), 0).indices.tolist() == [0, 1, 2, 2, 4]
    assert torch.median(torch.tensor([[2.0, 1.0, 2.0, 5.0]]), 1).indices.tolist() == [0]


# ------------------------------------------------------------------ stable sorting
def test_sort_is_stable_both_ways():
    x = ag.tensor([3.0, 1.0, 3.0, 3.0, 2.0, 1.0])
    assert ag.sort(x, stable=True).indices.tolist() == [1, 5, 4, 0, 2, 3]
    assert ag.sort(x, descending=True, stable=True).indices.tolist() == [0, 2, 3, 4, 1, 5]
    assert ag.argsort(x, descending=True).tolist() == [0, 2, 3, 4, 1, 5]
    assert ag.topk(x, 2).indices.tolist() == [0, 2]


def test_sort_stable_matches_pytorch(torch):
    t = torch.tensor([3.0, 1.0, 3.0, 3.0, 2.0, 1.0])
    assert torch.sort(t, stable=True).indices.tolist() == [1, 5, 4, 0, 2, 3]
    assert torch.sort(t, descending=True, stable=True).indices.tolist() == [0, 2, 3, 4, 1, 5]


def test_sort_puts_nan_last_and_first_descending():
    x = ag.tensor([1.0, float("nan"), 2.0])
    assert ag.sort(x).indices.tolist() == [0, 2, 1]
    assert ag.sort(x, descending=True).indices.tolist() == [1, 2, 0]


def test_sort_gradient_goes_back_to_each_source():
    x = ag.tensor([3.0, 1.0, 2.0], requires_grad=True)
    (ag.sort(x).values * ag.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [100.0, 1.0, 10.0]
    assert not ag.sort(x).indices.requires_grad


# ------------------------------------------------------------------ repeated positions
def test_scatter_add_and_index_add_accumulate_repeated_positions():
    src = ag.tensor([1.0, 2.0, 5.0], requires_grad=True)
    out = ag.scatter_add(ag.zeros(3), 0, ag.tensor([0, 0, 2]), src)
    assert out.tolist() == [3.0, 0.0, 5.0]
    (out * ag.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert src.grad.tolist() == [1.0, 1.0, 100.0]
    y = ag.index_add(ag.zeros(2, 2), 0, ag.tensor([1, 1]), ag.ones(2, 2))
    assert y.tolist() == [[0.0, 0.0], [2.0, 2.0]]


def test_gather_with_repeats_adds_gradients():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    ag.gather(x, 1, ag.tensor([[0, 0, 0], [1, 0, 1]])).sum().backward()
    assert x.grad.tolist() == [[3.0, 0.0], [1.0, 2.0]]


def test_scatter_overwritten_places_pass_no_gradient_to_the_input():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    src = ag.tensor([7.0], requires_grad=True)
    out = ag.scatter(x, 0, ag.tensor([1]), src)
    assert out.tolist() == [1.0, 7.0, 3.0]
    (out * ag.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 100.0] and src.grad.tolist() == [10.0]


def test_scatter_reduce_prod_with_a_zero():
    x = ag.tensor([2.0, 3.0], requires_grad=True)
    src = ag.tensor([0.0, 4.0, 5.0], requires_grad=True)
    out = ag.scatter_reduce(x, 0, ag.tensor([0, 0, 1]), src, "prod")
    assert out.tolist() == [0.0, 15.0]
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 5.0] and src.grad.tolist() == [8.0, 0.0, 3.0]


def test_scatter_reduce_prod_with_a_zero_matches_pytorch(torch):
    x = torch.tensor([2.0, 3.0], requires_grad=True)
    src = torch.tensor([0.0, 4.0, 5.0], requires_grad=True)
    torch.scatter_reduce(x, 0, torch.tensor([0, 0, 1]), src, "prod").sum().backward()
    assert x.grad.tolist() == [0.0, 5.0] and src.grad.tolist() == [8.0, 0.0, 3.0]


# ------------------------------------------------------------------ PyTorch's indexing rules
def test_an_int_is_a_basic_index_next_to_an_index_array():
    x = ag.ones(2, 5, 6, 5, requires_grad=True)
    idx = ag.tensor(np.zeros((2, 1), np.int64))
    y = x[1, :, idx, 0:2]
    assert y.shape == (5, 2, 1, 2)  # numpy would give (2, 1, 5, 2)
    y.sum().backward()
    assert x.grad.sum().item() == 20.0  # 10 places, each read twice
    v = ag.ones(2, 5, 6, 5)
    v[1, :, idx, 0:2] = ag.zeros(5, 2, 1, 2)
    assert v.sum().item() == 300 - 10


def test_int_and_array_index_shape_matches_pytorch(torch):
    x = torch.ones(2, 5, 6, 5)
    assert tuple(x[1, :, torch.zeros(2, 1, dtype=torch.long), 0:2].shape) == (5, 2, 1, 2)


@pytest.mark.parametrize("index", [np.s_[::-1], np.s_[1:, ::-2]])
def test_negative_slice_steps_are_refused(index):
    with pytest.raises(ValueError, match="step must be greater than zero"):
        ag.ones(3, 3)[index]


def test_squeeze_checks_dim_of_a_0d_tensor():
    assert ag.tensor(2.0).squeeze(0).shape == () and ag.tensor(2.0).squeeze(-1).shape == ()
    with pytest.raises(IndexError, match="squeeze: dim 1 is out of range"):
        ag.tensor(2.0).squeeze(1)


def test_one_argument_where_and_nonzero():
    x = ag.tensor([[0, 3], [2, 0]])
    rows, cols = ag.where(x > 0)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]
    assert ag.nonzero(x).tolist() == [[0, 1], [1, 0]]
    assert ag.nonzero(ag.tensor(5)).shape == (1, 0)


# ------------------------------------------------------------------ integer results
def test_integer_results_never_require_grad():
    x = ag.tensor([[1.0, 5.0], [7.0, 2.0]], requires_grad=True)
    for out in (x.argmax(), x.argmin(1), ag.argsort(x), ag.topk(x, 1).indices,
                ag.cummax(x, 0).indices, ag.count_nonzero(x), x.any(), x.all(1),
                ag.unique(x), ag.searchsorted(ag.tensor([1.0, 3.0]), x), ag.nonzero(x)):
        assert not out.requires_grad and out.grad_fn is None


def test_any_all_argmax_are_registered_methods():
    x = ag.tensor([[0.0, 2.0], [0.0, 0.0]])
    assert x.any(1).tolist() == [True, False] and x.all().item() is False
    assert x.any(dim=(0, 1), keepdim=True).shape == (1, 1)
    assert x.argmax().item() == 1 and x.argmax(1, keepdim=True).tolist() == [[1], [0]]
    assert {"any", "all", "argmax", "argmin"} <= set(ag.registry.tensor_methods())


def test_max_over_several_dims_points_to_amax():
    x = ag.tensor([[1.0, 5.0], [7.0, 2.0]])
    with pytest.raises(ValueError, match="amax"):
        x.max(dim=(0, 1))
    assert ag.amax(x, (0, 1)).item() == 7.0 and ag.sum(x, (0, 1)).item() == 15.0


def test_linalg_namespace_has_the_norms():
    a = ag.tensor([[1.0, -2.0], [3.0, 4.0]])
    assert ag.linalg.vector_norm(a, 1).item() == 10.0
    assert ag.linalg.matrix_norm(a, 1).item() == 6.0
    assert ag.linalg.matrix_norm(a, float("inf")).item() == 7.0


def test_unique_inverse_and_counts():
    vals, inv, counts = ag.unique(ag.tensor([3, 1, 1, 2]), return_inverse=True,
                                  return_counts=True)
    assert vals.tolist() == [1, 2, 3] and inv.tolist() == [2, 0, 0, 1]
    assert counts.tolist() == [2, 1, 1]


# ------------------------------------------------------------------ in-place forms
INPLACE = [
    ("masked_fill_", lambda x, T: x.masked_fill_(T.tensor([True, False, True]), 0.5)),
    ("masked_scatter_", lambda x, T: x.masked_scatter_(T.tensor([False, True, True]),
                                                       T.tensor([7.0, 8.0, 9.0]))),
    ("scatter_", lambda x, T: x.scatter_(0, T.tensor([2, 0]), T.tensor([4.0, 5.0]))),
    ("scatter_ value", lambda x, T: x.scatter_(0, T.tensor([1]), 3.0)),
    ("scatter_add_", lambda x, T: x.scatter_add_(0, T.tensor([1, 1]), T.tensor([4.0, 5.0]))),
    ("scatter_reduce_", lambda x, T: x.scatter_reduce_(0, T.tensor([0, 0]),
                                                       T.tensor([4.0, 5.0]), "amax")),
    ("index_fill_", lambda x, T: x.index_fill_(0, T.tensor([0, 2]), -1.0)),
    ("index_add_", lambda x, T: x.index_add_(0, T.tensor([2, 2]), T.tensor([1.0, 2.0]))),
    ("index_copy_", lambda x, T: x.index_copy_(0, T.tensor([1]), T.tensor([6.0]))),
]
INPLACE_WANT = {
    "masked_fill_": ([0.5, 4.0, 0.5], [0.0, 2.0, 0.0]),
    "masked_scatter_": ([1.0, 7.0, 8.0], [2.0, 0.0, 0.0]),
    "scatter_": ([5.0, 4.0, 4.0], [0.0, 2.0, 0.0]),
    "scatter_ value": ([1.0, 3.0, 9.0], [2.0, 0.0, 2.0]),
    "scatter_add_": ([1.0, 13.0, 9.0], [2.0, 2.0, 2.0]),
    "scatter_reduce_": ([5.0, 4.0, 9.0], [0.0, 2.0, 2.0]),
    "index_fill_": ([-1.0, 4.0, -1.0], [0.0, 2.0, 0.0]),
    "index_add_": ([1.0, 4.0, 12.0], [2.0, 2.0, 2.0]),
    "index_copy_": ([1.0, 6.0, 9.0], [2.0, 0.0, 2.0]),
}


def _run_inplace(lib, call):
    a = lib.tensor([0.5, 2.0, 4.5], requires_grad=True)
    x = a * 2  # a non-leaf: in-place writes are recorded
    out = call(x, lib)
    assert out is x
    x.sum().backward()
    return x.tolist(), a.grad.tolist()


@pytest.mark.parametrize("name, call", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_index_forms(name, call):
    assert _run_inplace(ag, call) == INPLACE_WANT[name]


@pytest.mark.parametrize("name, call", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_index_forms_match_pytorch(torch, name, call):
    values, grad = _run_inplace(torch, lambda x, T: call(x, T))
    assert (values, grad) == INPLACE_WANT[name]


def test_inplace_index_form_on_a_leaf_that_requires_grad_raises():
    with pytest.raises(RuntimeError, match="masked_fill_: a leaf tensor"):
        ag.ones(2, requires_grad=True).masked_fill_(ag.tensor([True, False]), 0.0)
    x = ag.zeros(3)
    before = x._version
    x.index_fill_(0, ag.tensor([1]), 2.0)
    assert x.tolist() == [0.0, 2.0, 0.0] and x._version == before + 1


# ------------------------------------------------------------------ writing: dtypes and shapes
WRITES = [
    ("scatter", lambda L, x, i, s: x.scatter(1, i, s)),
    ("scatter_add", lambda L, x, i, s: x.scatter_add(1, i, s)),
    ("scatter_reduce", lambda L, x, i, s: x.scatter_reduce(1, i, s, "sum")),
    ("index_add", lambda L, x, i, s: x.index_add(0, i[0], s[:2])),
    ("index_copy", lambda L, x, i, s: x.index_copy(0, i[0], s[:2])),
    ("masked_scatter", lambda L, x, i, s: x.masked_scatter(x == 0, s)),
]


@pytest.mark.parametrize("name, call", WRITES, ids=[w[0] for w in WRITES])
def test_writes_refuse_a_source_of_another_dtype(name, call):
    x, i = ag.zeros(3, 4).half(), ag.tensor([[0, 1], [2, 0]])
    with pytest.raises(RuntimeError, match=f"{name}: expected self and .* same dtype, got "
                                           "float16 and float32"):
        call(ag, x, i, ag.ones(3, 4))
    out = call(ag, x, i, ag.ones(3, 4).half())  # the same dtype writes
    assert out.dtype == ag.float16 and out.sum().item() > 0


def test_write_shape_and_index_errors():
    x, s = ag.zeros(3, 4), ag.ones(3, 4)
    i = ag.tensor([[0, 1], [2, 0]])
    with pytest.raises(RuntimeError, match=r"index of shape \(2, 2\) is larger than the input"):
        ag.zeros(1, 4).scatter_add(1, i, s)
    with pytest.raises(RuntimeError, match=r"src of shape \(1, 4\)"):
        x.scatter(1, i, ag.ones(1, 4))
    with pytest.raises(RuntimeError, match="reduce must be one of"):
        x.scatter_reduce(0, i, s, "INVALID")
    with pytest.raises(RuntimeError, match="reduce must be 'add' or 'multiply'"):
        x.scatter(1, i, s, reduce="INVALID")
    with pytest.raises(RuntimeError, match="index_copy: expected an int64"):
        x.index_copy(0, ag.tensor([1, 0]).int(), s[:2])
    with pytest.raises(IndexError, match=r"index_add: index must be 0-d or 1-D"):
        x.index_add(0, i, s[:2])
    # int32 indices are fine elsewhere, as in PyTorch
    assert x.scatter(1, i.int(), s).sum().item() == 4.0
    assert x.index_add(0, i[0].int(), s[:2]).sum().item() == 8.0


def test_write_errors_match_pytorch(torch):
    cases = [lambda L, x, i, s: x.half().scatter(1, i, s),
             lambda L, x, i, s: x.half().scatter_reduce(1, i, s, "sum"),
             lambda L, x, i, s: x.scatter_reduce(1, i, s, "INVALID"),
             lambda L, x, i, s: x.double().index_add(0, i[0], s[:2]),
             lambda L, x, i, s: x.index_copy(0, i[0].int(), s[:2]),
             lambda L, x, i, s: x.index_add(0, i, s[:2]),
             lambda L, x, i, s: L.zeros(1, 4).scatter_add(1, i, s),
             lambda L, x, i, s: x.masked_scatter(x == 0, s.long())]
    for case in cases:
        with pytest.raises((RuntimeError, IndexError)) as theirs:
            case(torch, torch.zeros(3, 4), torch.tensor([[0, 1], [2, 0]]), torch.ones(3, 4))
        with pytest.raises(type(theirs.value)):
            case(ag, ag.zeros(3, 4), ag.tensor([[0, 1], [2, 0]]), ag.ones(3, 4))
