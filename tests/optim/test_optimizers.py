"""Optimizers without PyTorch: closed-form steps, validation, groups, state dicts.

The tables at the top list every optimizer with the option sets the generic
tests walk; the closed-form tests below derive each expected trajectory from
the update rule by hand (constant gradients and quadratics make them exact).
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
import nn
import optim

# (class, options) for the generic tests: every optimizer, and each stateful option
OPTIMIZERS = [
    (optim.SGD, {"lr": 0.1}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "maximize": True}),
    (optim.Adagrad, {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.5}),
    (optim.RMSprop, {"lr": 0.01}),
    (optim.RMSprop, {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    (optim.Adam, {"lr": 0.01}),
    (optim.Adam, {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    (optim.AdamW, {"lr": 0.01, "amsgrad": True}),
    (optim.Momentum, {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    (optim.CourseAdaGrad, {"lr": 0.1}),
]
IDS = [f"{cls.__name__}-{i}" for i, (cls, _) in enumerate(OPTIMIZERS)]

# (class, bad options, the message expected) -- the bad value must be in the message
INVALID = [
    (optim.SGD, {"lr": -0.1}, "SGD: invalid learning rate: -0.1 (must be >= 0)"),
    (optim.SGD, {"momentum": -0.5}, "SGD: invalid momentum value: -0.5"),
    (optim.SGD, {"weight_decay": -1e-4}, "SGD: invalid weight_decay value: -0.0001"),
    (optim.SGD, {"nesterov": True}, "Nesterov momentum requires a momentum > 0"),
    (optim.SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "dampening=0.1"),
    (optim.Adagrad, {"lr_decay": -1.0}, "Adagrad: invalid lr_decay value: -1.0"),
    (optim.Adagrad, {"initial_accumulator_value": -2.0}, "initial_accumulator_value: -2.0"),
    (optim.Adagrad, {"eps": -1e-10}, "Adagrad: invalid epsilon value: -1e-10"),
    (optim.RMSprop, {"alpha": -0.9}, "RMSprop: invalid alpha value: -0.9"),
    (optim.RMSprop, {"momentum": -0.1}, "RMSprop: invalid momentum value: -0.1"),
    (optim.Adam, {"betas": (1.0, 0.999)}, "Adam: invalid beta parameter at index 0: 1.0"),
    (optim.Adam, {"betas": (0.9, -0.1)}, "Adam: invalid beta parameter at index 1: -0.1"),
    (optim.Adam, {"betas": (0.9,)}, "Adam: invalid betas: (0.9,)"),
    (optim.AdamW, {"lr": -1e-3}, "AdamW: invalid learning rate: -0.001"),
    (optim.AdamW, {"weight_decay": -0.01}, "AdamW: invalid weight_decay value: -0.01"),
    (optim.Momentum, {"momentum": 1.5}, "Momentum: invalid momentum value: 1.5 (must be in"),
    (optim.CourseAdaGrad, {"lr": float("nan")}, "CourseAdaGrad: invalid learning rate: nan"),
]


def leaf(values, dtype="float64") -> ag.Tensor:
    return ag.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def set_grad(p: ag.Tensor, values) -> None:
    p.grad = ag.tensor(np.asarray(values, dtype=p.dtype))


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize("cls,options,message", INVALID)
def test_invalid_hyper_parameters_are_rejected_with_the_value(cls, options, message) -> None:
    with pytest.raises(ValueError) as err:
        cls([leaf([1.0])], **options)
    assert message in str(err.value)


@pytest.mark.parametrize("cls,options,message", INVALID)
def test_invalid_options_in_an_added_group_change_nothing(cls, options, message) -> None:
    opt = cls([leaf([1.0])])
    with pytest.raises(ValueError, match="invalid|requires"):
        opt.add_param_group({"params": [leaf([2.0])], **options})
    assert len(opt.param_groups) == 1


@pytest.mark.parametrize("params,error,match", [
    (leaf([1.0]), TypeError, "wrap it in a list"),
    ([], ValueError, "empty parameter list"),
    ({leaf([1.0])}, TypeError, "not a set"),
    ([leaf([1.0]) * 2], ValueError, "non-leaf"),
    ([ag.tensor([1, 2])], TypeError, "floating point"),
    ([np.zeros(3)], TypeError, "can only optimize Tensors"),
    ([{"lr": 0.1}], ValueError, "'params'"),
])
def test_bad_params_are_rejected(params, error, match) -> None:
    with pytest.raises(error, match=match):
        optim.SGD(params, lr=0.1)


def test_a_parameter_cannot_be_in_two_groups_or_twice_in_one() -> None:
    w, b = leaf([1.0]), leaf([2.0])
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [b, w]})
    with pytest.raises(ValueError, match="appears twice"):
        opt.add_param_group({"params": [b, b]})
    assert len(opt.param_groups) == 1
    opt.add_param_group({"params": b, "lr": 0.5})
    assert opt.param_groups[1]["params"] == [b] and opt.param_groups[1]["lr"] == 0.5


def test_groups_take_their_own_options_and_the_defaults_otherwise() -> None:
    w, b = leaf([1.0, 1.0]), leaf([1.0])
    opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.01, "momentum": 0.5}], lr=0.1)
    assert opt.param_groups[0]["momentum"] == 0.0 and opt.param_groups[1]["momentum"] == 0.5
    set_grad(w, [1.0, 1.0])
    set_grad(b, [1.0])
    opt.step()
    np.testing.assert_allclose(1 - w.array, [0.1, 0.1])
    np.testing.assert_allclose(1 - b.array, [0.01])


# ------------------------------------------------------------------ generic behaviour
@pytest.mark.parametrize("cls,options", OPTIMIZERS, ids=IDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_step_is_in_place_keeps_dtype_and_bumps_version(cls, options, dtype) -> None:
    p = leaf(np.linspace(-1, 1, 6).reshape(2, 3), dtype)
    frozen = leaf([3.0, 4.0], dtype)        # no gradient: must be skipped
    array, version, before = p.array, p._version, p.array.copy()
    opt = cls([p, frozen], **options)
    set_grad(p, np.full((2, 3), 0.5))
    opt.step()
    assert p.array is array and p.dtype == np.dtype(dtype) and p._version == version + 1
    assert not np.array_equal(p.array, before)
    assert all(a.dtype == np.dtype(dtype) for a in opt.state[p].values()
               if isinstance(a, np.ndarray))
    np.testing.assert_array_equal(frozen.array, [3.0, 4.0])
    assert frozen._version == 0
    assert all(isinstance(k, ag.Tensor) for k in opt.state)   # keyed by the object


@pytest.mark.parametrize("cls,options", OPTIMIZERS, ids=IDS)
def test_state_dict_round_trip_continues_identically(cls, options, tmp_path) -> None:
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 2)) for _ in range(8)]
    a, c = leaf(rng.standard_normal((3, 2))), leaf(rng.standard_normal(2))
    opt = cls([{"params": [a]}, {"params": [c], "lr": 0.05}], **options)

    def run(opt, a, c, gs):
        for g in gs:
            set_grad(a, g)
            set_grad(c, g[0])
            opt.step()

    run(opt, a, c, grads[:4])
    nn.save({"optimizer": opt.state_dict(), "a": a.array, "c": c.array}, tmp_path / "ckpt.npz")
    run(opt, a, c, grads[4:])

    saved = nn.load(tmp_path / "ckpt.npz")
    a2, c2 = leaf(saved["a"]), leaf(saved["c"])
    opt2 = cls([{"params": [a2]}, {"params": [c2]}], **options)
    opt2.load_state_dict(saved["optimizer"])
    assert opt2.param_groups[1]["lr"] == 0.05
    run(opt2, a2, c2, grads[4:])
    np.testing.assert_array_equal(a2.array, a.array)
    np.testing.assert_array_equal(c2.array, c.array)


def test_state_dict_has_pytorch_layout_of_plain_values() -> None:
    w, b = leaf([1.0, 2.0]), leaf([3.0])
    opt = optim.Adam([{"params": [w, b]}], lr=0.1, amsgrad=True)
    set_grad(w, [1.0, 1.0])          # b has no gradient, so no state
    opt.step()
    sd = opt.state_dict()
    assert sd["param_groups"][0]["params"] == [0, 1]
    assert sd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(sd["state"]) == {0}
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert sd["state"][0]["step"] == 1 and isinstance(sd["state"][0]["exp_avg"], np.ndarray)
    sd["state"][0]["exp_avg"][:] = 99          # a copy: the optimizer is unaffected
    assert opt.state[w]["exp_avg"][0] != 99


@pytest.mark.parametrize("mutate,match", [
    (lambda sd: sd["param_groups"].append(dict(sd["param_groups"][0])), "2 parameter groups"),
    (lambda sd: sd["param_groups"][0].update(params=[0]), "1 parameters in the state dict"),
    (lambda sd: sd["state"][0].update(exp_avg=np.zeros(5)), "has shape (5,)"),
    (lambda sd: sd["state"].update({7: {"step": 1}}), "parameter index 7"),
    (lambda sd: sd["param_groups"][0].update(lr=-1.0), "invalid learning rate"),
    (lambda sd: sd.pop("state"), "'state' and 'param_groups'"),
])
def test_a_bad_state_dict_is_rejected_and_nothing_changes(mutate, match) -> None:
    w, b = leaf([1.0, 2.0]), leaf([3.0])
    opt = optim.Adam([w, b], lr=0.1)
    set_grad(w, [1.0, -1.0])
    set_grad(b, [2.0])
    opt.step()
    before = opt.state_dict()
    bad = opt.state_dict()
    mutate(bad)
    with pytest.raises(ValueError, match=re.escape(match)):
        opt.load_state_dict(bad)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for i in before["state"]:
        for k, v in before["state"][i].items():
            np.testing.assert_array_equal(after["state"][i][k], v)


def test_zero_grad_sets_to_none_or_zeroes_in_place() -> None:
    w = leaf([1.0, 2.0])
    opt = optim.SGD([w], lr=0.1)
    set_grad(w, [3.0, 4.0])
    array = w.grad.array
    opt.zero_grad(set_to_none=False)
    assert w.grad.array is array and np.all(array == 0)
    opt.zero_grad()
    assert w.grad is None
    opt.step()                                   # nothing to do, and no error
    np.testing.assert_array_equal(w.array, [1.0, 2.0])


def test_step_runs_the_closure_and_returns_its_loss() -> None:
    w = leaf([3.0])
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 9.0
    np.testing.assert_allclose(w.array, [3.0 - 0.25 * 6.0])


def test_updates_do_not_record_a_graph() -> None:
    w = leaf([1.0])
    set_grad(w, [1.0])
    optim.Adam([w]).step()
    assert w.is_leaf and w.grad_fn is None and w.requires_grad


# ------------------------------------------------------------------ closed forms
@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5),
                  elements=st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3)),
       st.sampled_from([1e-3, 0.1, 1.0]))
def test_first_adam_step_moves_every_parameter_by_lr_times_sign(g, lr) -> None:
    p = leaf(np.zeros_like(g))
    set_grad(p, g)
    optim.Adam([p], lr=lr).step()
    # m_hat = g and sqrt(v_hat) = |g|, so the step is lr * g / (|g| + eps): lr * sign(g) up
    # to a relative eps / |g|
    err = np.abs(p.array + lr * np.sign(g))
    assert np.all(err <= lr * 1e-8 / np.abs(g) * (1 + 1e-6) + 1e-15), err.max()


def test_adam_with_a_constant_gradient_moves_lr_per_step() -> None:
    p = leaf([0.0, 0.0])
    opt = optim.Adam([p], lr=0.01, betas=(0.8, 0.9))
    for _ in range(10):
        set_grad(p, [2.0, -0.5])
        opt.step()
    np.testing.assert_allclose(p.array, [-0.1, 0.1], rtol=1e-6)


@pytest.mark.parametrize("momentum,lr", [(0.0, 0.1), (0.9, 0.05), (0.5, 0.3)])
def test_sgd_momentum_on_a_quadratic_follows_the_recurrence_closed_form(momentum, lr) -> None:
    a = np.array([0.5, 2.0, 5.0])           # curvatures: loss = sum(a x^2) / 2
    x0 = np.array([1.0, -2.0, 0.5])
    x = leaf(x0)
    opt = optim.SGD([x], lr=lr, momentum=momentum)
    steps = 30
    for _ in range(steps):
        opt.zero_grad()
        (ag.tensor(a) * x * x * 0.5).sum().backward()
        opt.step()
    # heavy ball: x1 = (1 - lr a) x0 and x_{t+1} = (1 + mu - lr a) x_t - mu x_{t-1};
    # solved by x_t = c1 r1^t + c2 r2^t with r the roots of r^2 - (1 + mu - lr a) r + mu
    expected = []
    for ai, xi in zip(a, x0):
        r1, r2 = np.roots([1.0, -(1 + momentum - lr * ai), momentum]).astype(complex)
        x1 = (1 - lr * ai) * xi
        if abs(r1 - r2) < 1e-12:
            c1, c2 = xi, (x1 - xi * r1) / r1
            expected.append((c1 + c2 * steps) * r1 ** steps)
        else:
            c2 = (x1 - xi * r1) / (r2 - r1)
            c1 = xi - c2
            expected.append(c1 * r1 ** steps + c2 * r2 ** steps)
    np.testing.assert_allclose(x.array, np.real(expected), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("cls,options", [
    (optim.SGD, {"lr": 0.1, "weight_decay": 0.2}),
    (optim.SGD, {"lr": 0.1, "weight_decay": 0.2, "momentum": 0.0}),
    (optim.AdamW, {"lr": 0.1, "weight_decay": 0.2}),
    (optim.Momentum, {"lr": 0.1, "weight_decay": 0.2, "momentum": 0.0}),
])
def test_weight_decay_alone_shrinks_weights_geometrically(cls, options) -> None:
    p = leaf([1.0, -3.0])
    opt = cls([p], **options)
    for _ in range(5):
        set_grad(p, [0.0, 0.0])
        opt.step()
    np.testing.assert_allclose(p.array, np.array([1.0, -3.0]) * (1 - 0.1 * 0.2) ** 5, rtol=1e-12)


def test_adam_weight_decay_is_in_the_gradient_adamw_is_not() -> None:
    p, q = leaf([2.0, -2.0]), leaf([2.0, -2.0])
    set_grad(p, [0.0, 0.0])
    set_grad(q, [0.0, 0.0])
    optim.Adam([p], lr=0.1, weight_decay=0.5).step()   # g = 0.5 p: an Adam step of lr*sign(p)
    optim.AdamW([q], lr=0.1, weight_decay=0.5).step()  # shrink by 1 - lr*wd, no Adam step
    np.testing.assert_allclose(p.array, [1.9, -1.9], rtol=1e-7)
    np.testing.assert_allclose(q.array, [1.9, -1.9], rtol=1e-12)
    set_grad(p, [0.0, 0.0])
    optim.Adam([p], lr=0.1, weight_decay=0.5).step()
    np.testing.assert_allclose(p.array, [1.8, -1.8], rtol=1e-7)


def test_maximize_climbs() -> None:
    p = leaf([0.0])
    set_grad(p, [2.0])
    optim.SGD([p], lr=0.1, maximize=True).step()
    np.testing.assert_allclose(p.array, [0.2])


@pytest.mark.parametrize("lr_decay", [0.0, 0.1])
def test_adagrad_with_a_constant_gradient(lr_decay) -> None:
    g, lr, eps = np.array([3.0, -0.2]), 0.5, 1e-10
    p = leaf([0.0, 0.0])
    opt = optim.Adagrad([p], lr=lr, lr_decay=lr_decay, eps=eps)
    assert opt.state[p]["step"] == 0       # created with the optimizer, as PyTorch
    expected = np.zeros(2)
    for t in range(1, 7):
        set_grad(p, g)
        opt.step()
        expected -= lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(t) * np.abs(g) + eps)
    np.testing.assert_allclose(p.array, expected, rtol=1e-12)


@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_rmsprop_with_a_constant_gradient(momentum) -> None:
    g, lr, alpha, eps = np.array([3.0, -0.2]), 0.01, 0.9, 1e-8
    p = leaf([0.0, 0.0])
    opt = optim.RMSprop([p], lr=lr, alpha=alpha, eps=eps, momentum=momentum)
    expected, buf = np.zeros(2), np.zeros(2)
    for t in range(1, 7):
        set_grad(p, g)
        opt.step()
        # v_t = (1 - alpha^t) g^2 for a constant gradient
        buf = momentum * buf + g / (np.sqrt(1 - alpha ** t) * np.abs(g) + eps)
        expected -= lr * buf
    np.testing.assert_allclose(p.array, expected, rtol=1e-12)


def test_centered_rmsprop_first_step_divides_by_the_variance() -> None:
    p = leaf([0.0])
    set_grad(p, [2.0])
    optim.RMSprop([p], lr=0.01, alpha=0.5, eps=0.0, centered=True).step()
    # v = 0.5 * 4 = 2, mean = 0.5 * 2 = 1, sqrt(2 - 1) = 1
    np.testing.assert_allclose(p.array, [-0.02])


# ------------------------------------------------------------------ the course's forms
def test_course_momentum_equals_sgd_momentum_while_lr_is_constant() -> None:
    rng = np.random.default_rng(3)
    a, b = leaf(np.zeros(4)), leaf(np.zeros(4))
    course, torch_like = optim.Momentum([a], lr=0.05, momentum=0.8), optim.SGD(
        [b], lr=0.05, momentum=0.8)
    for _ in range(20):
        g = rng.standard_normal(4)
        set_grad(a, g)
        set_grad(b, g)
        course.step()
        torch_like.step()
    np.testing.assert_allclose(a.array, b.array, rtol=1e-12, atol=1e-14)


def test_course_momentum_and_sgd_part_when_lr_changes() -> None:
    a, b = leaf([0.0]), leaf([0.0])
    course = optim.Momentum([a], lr=0.1, momentum=0.5)
    torch_like = optim.SGD([b], lr=0.1, momentum=0.5)
    for opt in (course, torch_like):
        for _ in range(3):                      # constant gradient 1: b = 1, 1.5, 1.75
            for p in (a, b):
                set_grad(p, [1.0])
            opt.step()
        opt.param_groups[0]["lr"] = 0.01
        opt.step()
    # course: v = 0.5 * (-0.175) - 0.01 * 1; PyTorch: -0.01 * (0.5 * 1.75 + 1)
    np.testing.assert_allclose(a.array, [-0.1 - 0.15 - 0.175 - 0.0975], rtol=1e-12)
    np.testing.assert_allclose(b.array, [-0.1 - 0.15 - 0.175 - 0.01875], rtol=1e-12)


def test_course_adagrad_keeps_eps_inside_the_root() -> None:
    g, lr, eps = np.array([2.0, 1e-6]), 0.1, 1e-8
    p, q = leaf([0.0, 0.0]), leaf([0.0, 0.0])
    course, torch_like = optim.CourseAdaGrad([p], lr=lr, eps=eps), optim.Adagrad(
        [q], lr=lr, eps=eps)
    expected = np.zeros(2)
    for t in range(1, 4):
        set_grad(p, g)
        set_grad(q, g)
        course.step()
        torch_like.step()
        expected -= lr * g / np.sqrt(t * g * g + eps)
    np.testing.assert_allclose(p.array, expected, rtol=1e-12)
    # a tiny gradient barely moves under the course's form, but takes a full step in PyTorch's
    assert abs(p.array[1]) < 0.02 * abs(q.array[1])


def test_course_classes_do_not_shadow_pytorch_names() -> None:
    assert optim.CourseAdaGrad is not optim.Adagrad
    assert not hasattr(optim, "AdaGrad")


# ------------------------------------------------------------------ extending and modules
class SignSGD(optim.Optimizer):
    """A minimal subclass: the base class supplies groups, state, stepping and checkpoints."""

    def __init__(self, params, lr=optim.required):
        super().__init__(params, {"lr": lr})

    def _validate(self, group):
        self._check_lr_eps_wd(group)

    def _update(self, p, g, state, group):
        state["count"] = state.get("count", 0) + 1
        p -= p.dtype.type(group["lr"]) * np.sign(g)


def test_a_subclass_gets_groups_required_options_and_state_for_free() -> None:
    w = leaf([1.0, -1.0])
    with pytest.raises(ValueError, match="required optimization parameter 'lr'"):
        SignSGD([w])
    opt = SignSGD([w], lr=0.5)
    set_grad(w, [3.0, -0.1])
    opt.step()
    np.testing.assert_array_equal(w.array, [0.5, -0.5])
    assert opt.state_dict()["state"] == {0: {"count": 1}}
    assert "SignSGD (" in repr(opt) and "lr: 0.5" in repr(opt)


def test_optimizes_a_modules_parameters_from_a_generator() -> None:
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    params = list(model.parameters())
    opt = optim.Adam(model.parameters(), lr=0.01)
    group_params = opt.param_groups[0]["params"]
    assert len(group_params) == len(params) and all(a is b for a, b in zip(group_params, params))
    x, y = ag.randn(8, 3), ag.randn(8, 1)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = nn.MSELoss()(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]
    assert len(opt.state) == len(params)
    assert all(any(k is p for p in params) for k in opt.state)   # keys are the Parameters


def test_a_gradient_of_the_wrong_shape_is_an_error_naming_both() -> None:
    w = leaf([1.0, 2.0])
    w.grad = ag.tensor([1.0, 2.0, 3.0], dtype="float64")
    with pytest.raises(RuntimeError, match=re.escape("shape (2,) has a gradient of shape (3,)")):
        optim.SGD([w], lr=0.1).step()


def test_zero_grad_in_place_detaches_a_recorded_gradient() -> None:
    w = leaf([2.0])
    (w * w * w).sum().backward(create_graph=True)      # w.grad = 3 w^2, with a graph
    assert w.grad.grad_fn is not None
    optim.SGD([w], lr=0.1).zero_grad(set_to_none=False)
    assert w.grad.grad_fn is None and not w.grad.requires_grad and w.grad.item() == 0.0


def test_a_float64_gradient_on_a_float32_parameter_keeps_float32() -> None:
    w = leaf([1.0, 2.0], "float32")
    w.grad = ag.tensor([0.5, 0.5], dtype="float64")
    optim.Adam([w], lr=0.1).step()
    assert w.dtype == np.float32
    np.testing.assert_allclose(w.array, [0.9, 1.9], rtol=1e-6)
