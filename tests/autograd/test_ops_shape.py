"""Shape ops, indexing and matmul: the table and its walks."""
import numpy as np
import pytest
from hypothesis import strategies as st

import autograd as ag
from autograd.testing import Input
from tests.autograd.opspec import Nan, OpSpec, torch_walk, walk
from tests.autograd.rows_select import ROWS as SELECT_ROWS
from tests.robustness import bad_op_cases as bad
from tests.robustness.bad_input_helpers import t

# (batch..., n, k) x (batch..., k, m) with broadcast batch dims, and 1-D operands
_n = st.integers(0, 3)


def _matmul_shapes():
    def build(t):
        n, k, m, ba, bb, one_a, one_b = t
        a = (k,) if one_a else ba + (n, k)
        b = (k,) if one_b else bb + (k, m)
        return a, b
    batch = st.sampled_from([(), (2,), (1,), (3, 1)])
    batch_b = st.sampled_from([(), (2,), (1, 2)])
    return st.tuples(_n, st.integers(1, 3), _n, batch, batch_b, st.booleans(),
                     st.booleans()).map(build)


def _np_pad(x):
    return np.pad(x, [(0, 0)] * (x.ndim - 1) + [(1, 2)])


def _F(T):
    return T.nn.functional


def _fixed(*pairs):
    """``bad`` entries for cases written for one op: ``(kind, case)`` pairs."""
    return tuple((kind, bad.fixed(case)) for kind, case in pairs)


_ALL = (slice(None), slice(None))

TABLE = [
    OpSpec("matmul", ag.matmul, np.matmul, (Input(), Input()), kw=dict(shapes=_matmul_shapes()),
           torch="matmul", bad=_fixed(("inner", bad.matmul_inner), ("batch", bad.matmul_batch),
                                      ("0d", bad.matmul_0d)),
           nan=Nan(lambda x: ag.matmul(x, t(4, 2)), empty=lambda x: ag.matmul(x, t(4, 2)))),
    OpSpec("linear", ag.linear, lambda x, w, b: x @ w.T + b,
           (Input((2, 3, 4)), Input((5, 4)), Input((5,))), torch=lambda T, *a: _F(T).linear(*a),
           bad=tuple((k, bad.fixed(bad.linear(k))) for k in ("input", "bias", "weight-rank")),
           nan=Nan(lambda x: ag.linear(x, t(2, 4), t(2)), empty=lambda x: ag.linear(x, t(2, 4)))),
    OpSpec("linear", lambda x, w: ag.linear(x, w), lambda x, w: x @ w.T,
           (Input((4,)), Input((2, 4))), torch=lambda T, *a: _F(T).linear(*a)),
    OpSpec("linear", lambda x, w, b: ag.linear(x, w, b), lambda x, w, b: x @ w.T + b,
           (Input((0, 3)), Input((2, 3)), Input((2,))), torch=lambda T, *a: _F(T).linear(*a)),
    OpSpec("reshape", lambda x: ag.reshape(x, (-1,)), lambda x: x.reshape(-1),
           torch=lambda T, x: T.reshape(x, (-1,)),
           bad=(("bad-size", bad.bad_size),) + _fixed(("two-free-dims", bad.reshape_two_free)),
           nan=Nan(lambda x: ag.reshape(x, (4, 3)), empty=False)),
    OpSpec("view", lambda x: ag.view(x, (2, -1)), lambda x: x.reshape(2, -1),
           (Input((2, 3, 2)),), torch=lambda T, x: x.view(2, -1), bad=(("bad-size", bad.bad_size),),
           nan=Nan(lambda x: ag.view(x, (12,)), empty=False)),
    OpSpec("flatten", lambda x: ag.flatten(x, 1),
           lambda x: x.reshape(x.shape[0], int(np.prod(x.shape[1:]))), kw=dict(min_dims=2),
           torch=lambda T, x: T.flatten(x, 1), bad=_fixed(("dim", bad.flatten)),
           nan=Nan(ag.flatten), non_tensor=()),
    OpSpec("transpose", lambda x: ag.transpose(x, 0, -1), lambda x: np.swapaxes(x, 0, -1),
           kw=dict(min_dims=1), torch=lambda T, x: T.transpose(x, 0, -1),
           bad=_fixed(("dim", bad.transpose)), nan=Nan(lambda x: ag.transpose(x, 0, 1))),
    OpSpec("permute", lambda x: ag.permute(x, (2, 0, 1)), lambda x: np.transpose(x, (2, 0, 1)),
           kw=dict(min_dims=3, max_dims=3), torch=lambda T, x: T.permute(x, (2, 0, 1)),
           bad=_fixed(("repeated", bad.permute_dup), ("out-of-range", bad.permute_oob)),
           nan=Nan(lambda x: ag.permute(x, (1, 0)))),
    OpSpec("squeeze", ag.squeeze, np.squeeze, torch="squeeze", bad=_fixed(("dim", bad.squeeze)),
           nan=Nan(ag.squeeze, (3, 1, 4), empty=False), non_tensor=()),
    OpSpec("unsqueeze", lambda x: ag.unsqueeze(x, -1), lambda x: x[..., None],
           torch=lambda T, x: T.unsqueeze(x, -1), bad=_fixed(("dim", bad.unsqueeze)),
           nan=Nan(lambda x: ag.unsqueeze(x, 0))),
    OpSpec("expand", lambda x: ag.expand(x, (2,) + x.shape), lambda x: np.broadcast_to(
        x, (2,) + x.shape), torch=lambda T, x: x.expand((2,) + tuple(x.shape)),
        bad=_fixed(("size", bad.expand)), nan=Nan(lambda x: ag.expand(x, (2, 3, 4)), empty=False)),
    OpSpec("expand", lambda x: ag.expand(x, (3, 4)), lambda x: np.broadcast_to(x, (3, 4)),
           (Input((3, 1)),), torch=lambda T, x: x.expand(3, 4)),
    OpSpec("cat", lambda a, b: ag.cat([a, b], 1), lambda a, b: np.concatenate([a, b], 1),
           (Input((2, 3)), Input((2, 0))), torch=lambda T, a, b: T.cat([a, b], 1),
           bad=(("mismatch", bad.mismatch), ("empty-list", bad.empty_list))
           + _fixed(("dim", bad.cat_dim)),
           nan=Nan(lambda x: ag.cat([x, t(3, 4)], 1), empty=lambda x: ag.cat([x, t(0, 4)], 1))),
    OpSpec("cat", lambda a, b: ag.cat([a, b, a], 0), lambda a, b: np.concatenate([a, b, a]),
           (Input((1, 2)), Input((3, 2))), torch=lambda T, a, b: T.cat([a, b, a], 0)),
    OpSpec("stack", lambda a, b: ag.stack([a, b], -1), lambda a, b: np.stack([a, b], -1),
           (Input((2, 3)), Input((2, 3))), torch=lambda T, a, b: T.stack([a, b], -1),
           bad=(("mismatch", bad.mismatch), ("empty-list", bad.empty_list)),
           nan=Nan(lambda x: ag.stack([x, t(3, 4)]), empty=lambda x: ag.stack([x, t(0, 4)]))),
    OpSpec("split", lambda x: ag.split(x, 2, 1), lambda x: np.split(x, [2, 4], 1),
           (Input((2, 5)),), torch=lambda T, x: T.split(x, 2, 1),
           bad=_fixed(("size", bad.split_size), ("sections", bad.split_sections)),
           nan=Nan(lambda x: ag.cat(list(ag.split(x, 2, 1)), 1), empty=False)),
    OpSpec("split", lambda x: ag.split(x, [1, 0, 3], 0)[2] * 2, lambda x: x[1:] * 2,
           (Input((4, 2)),), torch=lambda T, x: T.split(x, [1, 0, 3], 0)[2] * 2),
    OpSpec("pad", lambda x: ag.pad(x, (1, 2)), _np_pad, kw=dict(min_dims=1),
           torch=lambda T, x: _F(T).pad(x, (1, 2)),
           bad=_fixed(("length", bad.pad_odd), ("mode", bad.pad_mode)),
           nan=Nan(lambda x: ag.pad(x, (1, 1)))),
    OpSpec("pad", lambda x: ag.pad(x, (0, 1, 2, 0), value=3.0),
           lambda x: np.pad(x, [(2, 0), (0, 1)], constant_values=3.0), (Input((2, 3)),),
           torch=lambda T, x: _F(T).pad(x, (0, 1, 2, 0), value=3.0)),
    OpSpec("getitem", lambda x: x[1:, ::2], lambda x: x[1:, ::2], kw=dict(min_dims=2),
           torch=lambda T, x: x[1:, ::2],
           bad=_fixed(("out-of-range", bad.getitem_oob), ("array-out-of-range",
                                                          bad.getitem_array_oob),
                      ("too-many", bad.getitem_too_many), ("float", bad.getitem_float),
                      ("mask", bad.getitem_mask)),
           nan=Nan(lambda x: ag.getitem(x, _ALL))),
    OpSpec("getitem", lambda x: x[..., None, 0], lambda x: x[..., None, 0],
           kw=dict(min_dims=1, min_side=1), torch=lambda T, x: x[..., None, 0]),
    OpSpec("getitem", lambda x: x[[0, 2, 0, 0]], lambda x: x[[0, 2, 0, 0]], (Input((3, 2)),),
           torch=lambda T, x: x[[0, 2, 0, 0]]),
    OpSpec("getitem", lambda x: x[np.array([[1, 0]]), 1:], lambda x: x[np.array([[1, 0]]), 1:],
           (Input((2, 3)),), torch=lambda T, x: x[T.tensor([[1, 0]]), 1:]),
    OpSpec("getitem", lambda x: x[x.array > 0], lambda x: x[x > 0], domain="nonzero",
           torch=lambda T, x: x[x > 0]),
    OpSpec("getitem", lambda x: x[1, [0, 1], [2, 2]], lambda x: x[1, [0, 1], [2, 2]],
           (Input((2, 2, 3)),), torch=lambda T, x: x[1, [0, 1], [2, 2]]),
    # a tuple or nested list inside the index is an index array (PyTorch's and numpy's rule)
    OpSpec("getitem", lambda x: x[(1, 0), :, (2, 0)], lambda x: x[[1, 0], :, [2, 0]],
           (Input((2, 3, 3)),), torch=lambda T, x: x[(1, 0), :, (2, 0)]),
    OpSpec("getitem", lambda x: x[1, (2, 1), None, ((0,), (3,))],
           lambda x: x[1][[2, 1], None, [[0], [3]]], (Input((2, 3, 4)),),
           torch=lambda T, x: x[1, (2, 1), None, ((0,), (3,))]),
    OpSpec("getitem", lambda x: x[[True, False, 2]], lambda x: x[[1, 0, 2]], (Input((3, 2)),),
           torch=lambda T, x: x[[True, False, 2]]),
    OpSpec("index_put", lambda x, v: ag.index_put(x, ((1, 0), (2, 2)), v),
           lambda x, v: _put(x, ([1, 0], [2, 2]), v), (Input((2, 3)), Input((2,))),
           torch=lambda T, x, v: _put(x, ((1, 0), (2, 2)), v)),
    OpSpec("index_put", lambda x, v: ag.index_put(x, (slice(None), 1), v),
           lambda x, v: _put(x, (slice(None), 1), v), (Input((3, 2)), Input((3,))),
           torch=lambda T, x, v: _put(x, (slice(None), 1), v),
           bad=_fixed(("out-of-range", bad.index_put_oob), ("value-shape", bad.index_put_value)),
           nan=Nan(lambda x: ag.index_put(t(3, 4), _ALL, x),
                   empty=lambda x: ag.index_put(t(0, 4), _ALL, x))),
    OpSpec("index_put", lambda x, v: ag.index_put(x, np.array([True, False, True]), v),
           lambda x, v: _put(x, np.array([True, False, True]), v), (Input((3, 2)), Input((2,))),
           torch=lambda T, x, v: _put(x, T.tensor([True, False, True]), v)),
] + SELECT_ROWS  # flip, gather, scatter, sort, ... (tests/autograd/rows_select.py)


def _put(x, idx, v):
    out = x.copy() if isinstance(x, np.ndarray) else x.clone()
    out[idx] = v
    return out


@pytest.mark.parametrize("spec", TABLE, ids=str)
def test_op(spec):
    walk(spec)


@pytest.mark.parametrize("spec", [s for s in TABLE if s.torch], ids=str)
def test_pytorch_parity(spec):
    torch_walk(spec)


def test_repeated_fancy_index_accumulates():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 0, 2]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]


def test_tuple_and_nested_list_inside_an_index():
    x = ag.arange(24.0).reshape(2, 3, 4).requires_grad_()
    assert x[((0,),)].shape == (1, 3, 4)
    assert x[(((1,),),)].shape == (1, 1, 3, 4)
    y = x[1, (2, 1), None, (0, 3)]  # after the int, the arrays sit apart: broadcast dim first
    assert y.shape == (2, 1) and y.tolist() == [[20.0], [19.0]]
    assert x[(ag.tensor([1, 0]), (2, 2))].tolist() == [[20.0, 21.0, 22.0, 23.0],
                                                       [8.0, 9.0, 10.0, 11.0]]
    assert x[0, [True, False, 2], 0].tolist() == [4.0, 0.0, 8.0]  # ints among bools: ints
    assert x[0, (True, False, True), 1].tolist() == [1.0, 9.0]  # all bools: a mask
    x[(0, 0), (1, 1), (3, 3)].sum().backward()  # the repeated position gets both gradients
    assert x.grad[0, 1, 3].item() == 2.0 and x.grad.sum().item() == 2.0
    z = ag.zeros(2, 3)
    z[(1, 0), ((2,), (0,))] = ag.tensor([[5.0, 6.0], [7.0, 8.0]])
    assert z.tolist() == [[8.0, 0.0, 6.0], [7.0, 0.0, 5.0]]


@pytest.mark.parametrize("index", [1.5, [1.1], (0, (1, 0.5)), ag.tensor([1.0]), [[0], [0, 1]]])
def test_float_and_ragged_indices_raise_index_error(index):
    with pytest.raises(IndexError, match="getitem"):
        ag.ones(3, 2)[index]


def test_tuple_indices_match_pytorch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 5, 6, 5, 3))
    b, c = np.array([[0], [4], [2]]), np.array([[1, 5]])
    for f in (lambda x, T: x[(1, 0), T(b), T(c), (0, 2), :],
              lambda x, T: x[0, T(b), T(c), :, (2, -1)],
              lambda x, T: x[1, ((2,), (1,), (0,)), None, T(c), (2, 1)],
              lambda x, T: x[(T(np.array([1, 0])), (1, 1))]):
        mine, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        a, r = f(mine, ag.tensor), f(theirs, torch.tensor)
        w = np.random.default_rng(1).standard_normal(tuple(r.shape))
        (a * ag.tensor(w)).sum().backward()
        (r * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(a.detach().numpy(), r.detach().numpy())
        np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy())


@pytest.mark.parametrize("call, match", [
    (lambda: ag.ones(2, 3) @ ag.ones(4, 5), r"matmul: shapes \(2, 3\) and \(4, 5\) are not "
                                            r"aligned: 3 .* != 4"),
    (lambda: ag.ones(2, 3, 4) @ ag.ones(3, 4, 5), r"matmul: batch dimensions of \(2, 3, 4\) and"),
    (lambda: ag.ones(6).reshape(4, -1), r"reshape: shape \(4, -1\) is invalid for input of "
                                         r"shape \(6,\)"),
    (lambda: ag.cat([ag.ones(2, 3), ag.ones(2, 4)], 0), r"cat: tensor 1 has shape \(2, 4\)"),
    (lambda: ag.ones(2, 3)[5], r"getitem: index 5 is out of bounds .*\(2, 3\)"),
    (lambda: ag.ones(3).expand(2, 4), r"expand: the tensor of shape \(3,\) cannot be expanded"),
    (lambda: ag.ones(3).split([1, 1]), r"split: sections \[1, 1\] do not add up to size 3"),
    (lambda: ag.ones(2, 2).permute(1, 1), r"permute: dims \(1, 1\) are not a permutation"),
])
def test_shape_errors_name_op_and_shapes(call, match):
    with pytest.raises((ValueError, IndexError), match=match):
        call()


def test_view_shares_version_with_base():
    x = ag.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = x * 1
    v = y.reshape(2, 2)
    z = (v * v).sum()
    with ag.no_grad():
        y += 1  # modifies the storage v's Mul saved
    with pytest.raises(RuntimeError, match="modified by an in-place operation: Mul"):
        z.backward()


def test_setitem_records_history():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y[1] = 0.0
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 2.0]


def test_view_dtype_reinterprets_the_bytes():
    x = ag.tensor([[1.0, -2.0]], requires_grad=True)
    i = x.view(ag.int32)
    assert i.dtype == ag.int32 and i.tolist() == [[1065353216, -1073741824]]
    assert not i.requires_grad  # a bitcast is not differentiable, as in PyTorch
    b = x.view(ag.uint8)  # a smaller element: the last dim grows by the ratio
    assert b.shape == (1, 8) and b.tolist() == [[0, 0, 128, 63, 0, 0, 0, 192]]
    assert x.view(ag.float64).shape == (1, 1) and x.view(ag.float32).requires_grad is False
    assert ag.ones(3, 2, dtype=ag.float16).view(ag.float32).shape == (3, 1)
    z = ag.zeros(2)
    z.view(ag.int32)[0] = 1065353216  # the view shares memory: z[0] becomes 1.0
    assert z.tolist() == [1.0, 0.0]
    with pytest.raises(RuntimeError, match="divisible by 2"):
        ag.ones(3, dtype=ag.float16).view(ag.float32)
    with pytest.raises(RuntimeError, match="0-d tensor"):
        ag.tensor(1.0).view(ag.int16)
    with pytest.raises(RuntimeError, match=r"contiguous \(stride 1\)"):
        ag.ones(2, 3).t().view(ag.int16)


def test_view_dtype_matches_pytorch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    for name in ("int32", "int16", "uint8", "float16", "float64", "int64", "bool"):
        mine, theirs = ag.tensor(x).view(getattr(ag, name)), torch.tensor(x).view(
            getattr(torch, name))
        assert mine.shape == tuple(theirs.shape)
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    assert torch.tensor(x, requires_grad=True).view(torch.int32).requires_grad is False
    for call in (lambda L: L.ones(3, dtype=L.float16).view(L.float32),
                 lambda L: L.tensor(1.0).view(L.int16), lambda L: L.ones(2, 3).t().view(L.int16)):
        with pytest.raises(RuntimeError):
            call(torch)
        with pytest.raises(RuntimeError):
            call(ag)
