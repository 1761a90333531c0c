"""``torch.autograd.functional``: jacobian, hessian, vjp, jvp, vhp, hvp.

Written cases check analytic Jacobians and Hessians and the nesting of the results; the
parity cases run the same functions through PyTorch's and compare every block.
"""
import numpy as np
import pytest

import autograd as ag

AF = ag.autograd.functional
RNG = np.random.default_rng(0)
A = RNG.normal(size=(2, 3))
B = RNG.normal(size=(3,))


def _np(x):
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def test_reachable_as_pytorch_scripts_write_it():
    import autograd as torch

    assert torch.autograd.functional.jacobian is AF.jacobian
    for name in ("jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"):
        assert callable(getattr(torch.autograd.functional, name))


def test_jacobian_of_an_elementwise_function_is_diagonal():
    x = ag.tensor([1.0, 2.0, 3.0])
    J = AF.jacobian(lambda t: t ** 3, x)
    np.testing.assert_allclose(J.numpy(), np.diag(3 * x.numpy() ** 2))
    assert not J.requires_grad


def test_jacobian_of_a_matrix_product():
    W = ag.tensor(A)
    v = ag.tensor(B)
    J = AF.jacobian(lambda t: W @ t, v)  # d(Wv)/dv = W
    np.testing.assert_allclose(J.numpy(), A)
    Jw = AF.jacobian(lambda m: m @ v, W)  # (2,) by (2, 3): dy_i/dW_kl = [i == k] v_l
    want = np.zeros((2, 2, 3))
    want[0, 0], want[1, 1] = B, B
    np.testing.assert_allclose(Jw.numpy(), want)


def test_jacobian_nesting_follows_tuples():
    x, y = ag.tensor(A), ag.tensor(B)

    def f(a, b):
        return a * b, (a ** 2).sum()

    J = AF.jacobian(f, (x, y))
    assert isinstance(J, tuple) and len(J) == 2 and all(len(row) == 2 for row in J)
    assert [tuple(b.shape) for b in J[0]] == [(2, 3, 2, 3), (2, 3, 3)]
    assert [tuple(b.shape) for b in J[1]] == [(2, 3), (3,)]
    np.testing.assert_allclose(J[1][0].numpy(), 2 * A)
    assert not J[1][1].numpy().any()  # the sum does not depend on b: zeros
    one_in = AF.jacobian(lambda a: (a, a.sum()), x)
    assert isinstance(one_in, tuple) and isinstance(one_in[0], ag.Tensor)
    one_out = AF.jacobian(lambda a, b: a.sum() * b, (x, y))
    assert isinstance(one_out, tuple) and tuple(one_out[1].shape) == (3, 3)


def test_hessian_of_a_quadratic_form():
    M = RNG.normal(size=(3, 3))
    H = AF.hessian(lambda t: t @ ag.tensor(M) @ t, ag.tensor(B))
    np.testing.assert_allclose(H.numpy(), M + M.T)
    H2 = AF.hessian(lambda a, b: (a * b * b).sum(), (ag.tensor([1.0]), ag.tensor([2.0])))
    np.testing.assert_allclose([[_np(h) for h in row] for row in H2],
                               [[[[0.0]], [[4.0]]], [[[4.0]], [[2.0]]]])


def test_products_agree_with_the_full_matrices():
    def f(a):
        return (a.sin() * a.sum()).reshape(-1)

    x, v, u = ag.tensor(A), RNG.normal(size=(2, 3)), RNG.normal(size=(6,))
    J = AF.jacobian(f, x).numpy().reshape(6, 6)
    _, jv = AF.jvp(f, x, ag.tensor(v))
    np.testing.assert_allclose(jv.numpy(), J @ v.reshape(-1), atol=1e-12)
    _, vj = AF.vjp(f, x, ag.tensor(u))
    np.testing.assert_allclose(vj.numpy().reshape(-1), u @ J, atol=1e-12)

    def s(a):
        return (a.exp() * a.sum()).sum()

    H = AF.hessian(s, x).numpy().reshape(6, 6)
    np.testing.assert_allclose(H, H.T, atol=1e-12)
    out, hv = AF.hvp(s, x, ag.tensor(v))
    np.testing.assert_allclose(hv.numpy().reshape(-1), H @ v.reshape(-1), atol=1e-12)
    _, vh = AF.vhp(s, x, ag.tensor(v))
    np.testing.assert_allclose(vh.numpy().reshape(-1), v.reshape(-1) @ H, atol=1e-12)
    np.testing.assert_allclose(out.numpy(), (np.exp(A) * A.sum()).sum())


def test_create_graph_gives_differentiable_results():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    J = AF.jacobian(lambda t: t ** 3, x, create_graph=True)
    assert J.requires_grad
    J.sum().backward()  # d/dx sum(diag(3x²)) = 6x
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])
    x.grad = None
    _, hv = AF.hvp(lambda t: (t ** 4).sum(), x, ag.ones(2), create_graph=True)
    hv.sum().backward()  # d/dx sum(12x²) = 24x
    np.testing.assert_allclose(x.grad.numpy(), [24.0, 48.0])


def test_inputs_are_not_modified_or_tracked():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    AF.jacobian(lambda t: t * 2, x)
    _, g = AF.vjp(lambda t: (t * t).sum(), x)
    assert x.grad is None and not g.requires_grad


def test_strict_mode_and_bad_calls_raise():
    x, y = ag.ones(2), ag.ones(2)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.jacobian(lambda a, b: a * 2, (x, y), strict=True)
    with pytest.raises(RuntimeError, match="does not require gradients"):
        AF.jacobian(lambda a: ag.ones(2), x, strict=True)
    with pytest.raises(RuntimeError, match="jacobian .* independent of the input"):
        AF.hessian(lambda a: a.sum() * 2, x, strict=True)
    with pytest.raises(RuntimeError, match="strict=True"):
        AF.jacobian(lambda a: a * 2, x, strict=True, vectorize=True)
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.vjp(lambda a: a * 2, x)
    with pytest.raises(RuntimeError, match=r"should be \(2,\) but got \(3,\)"):
        AF.jvp(lambda a: a * 2, x, ag.ones(3))
    with pytest.raises(RuntimeError, match="single element"):
        AF.hessian(lambda a: a * 2, x)
    with pytest.raises(RuntimeError, match="single Tensor"):
        AF.vhp(lambda a: (a.sum(), a.sum()), x, ag.ones(2))
    with pytest.raises(TypeError, match="list"):
        AF.jacobian(lambda a: a, [1.0])
    with pytest.raises(TypeError, match="int"):
        AF.jacobian(lambda a: 3, x)
    with pytest.raises(NotImplementedError, match="vectorize=True"):
        AF.jacobian(lambda a: a, x, strategy="forward-mode")
    with pytest.raises(AssertionError, match="strategy"):
        AF.jacobian(lambda a: a, x, strategy="sideways")
    # not strict: an unused input and a constant output give zeros
    assert not AF.jacobian(lambda a: ag.ones(2), x).numpy().any()


def test_vectorize_and_forward_mode_give_the_same_result():
    x = ag.tensor(A)
    want = AF.jacobian(lambda a: a.tanh(), x).numpy()
    np.testing.assert_array_equal(AF.jacobian(lambda a: a.tanh(), x, vectorize=True).numpy(),
                                  want)
    np.testing.assert_array_equal(
        AF.jacobian(lambda a: a.tanh(), x, vectorize=True, strategy="forward-mode").numpy(),
        want)


# ------------------------------------------------------------------ against PyTorch
def _f(T):
    return lambda x, y: ((x * y).sin(), (x ** 2).sum() * y)


def _s(x, y):
    return (x * y).sin().sum() * (y ** 2).sum()


def _same(ours, theirs, path="result"):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), path
        for k, (o, t) in enumerate(zip(ours, theirs)):
            _same(o, t, f"{path}[{k}]")
        return
    assert isinstance(ours, ag.Tensor), path
    assert tuple(ours.shape) == tuple(theirs.shape), path
    assert ours.requires_grad == theirs.requires_grad, path
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), atol=1e-12, err_msg=path)


@pytest.mark.parametrize("create_graph", [False, True])
def test_every_function_matches_pytorch(create_graph):
    torch = pytest.importorskip("torch")
    TF = torch.autograd.functional
    cg = dict(create_graph=create_graph)
    ours = (ag.tensor(A, requires_grad=True), ag.tensor(B, requires_grad=True))
    theirs = (torch.tensor(A, requires_grad=True), torch.tensor(B, requires_grad=True))
    v_out = RNG.normal(size=(2, 3)), RNG.normal(size=(3,))
    vo, tvo = tuple(map(ag.tensor, v_out)), tuple(map(torch.tensor, v_out))
    _same(AF.jacobian(_f(ag), ours, **cg), TF.jacobian(_f(torch), theirs, **cg))
    _same(AF.hessian(_s, ours, **cg), TF.hessian(_s, theirs, **cg))
    _same(AF.vjp(_f(ag), ours, vo, **cg), TF.vjp(_f(torch), theirs, tvo, **cg))
    _same(AF.jvp(_f(ag), ours, vo, **cg), TF.jvp(_f(torch), theirs, tvo, **cg))
    _same(AF.vhp(_s, ours, vo, **cg), TF.vhp(_s, theirs, tvo, **cg))
    _same(AF.hvp(_s, ours, vo, **cg), TF.hvp(_s, theirs, tvo, **cg))
    single, tsingle = ours[0], theirs[0]

    def g(x):
        return x.exp() * x.sum()

    _same(AF.jacobian(g, single, **cg), TF.jacobian(g, tsingle, **cg))
    _same(AF.hessian(lambda x: g(x).sum(), single, **cg),
          TF.hessian(lambda x: g(x).sum(), tsingle, **cg))
    _same(AF.jvp(lambda x: x.sum() * 2, ag.ones(1), **cg),
          TF.jvp(lambda x: x.sum() * 2, torch.ones(1), **cg))


def test_works_inside_no_grad_and_with_identity():
    x = ag.tensor([1.0, 2.0])
    with ag.no_grad():
        np.testing.assert_allclose(AF.jacobian(lambda a: a ** 2, x).numpy(), np.diag([2.0, 4.0]))
        np.testing.assert_allclose(AF.hessian(lambda a: (a ** 3).sum(), x).numpy(),
                                   np.diag([6.0, 12.0]))
    np.testing.assert_allclose(AF.jacobian(lambda a: a, x).numpy(), np.eye(2))
