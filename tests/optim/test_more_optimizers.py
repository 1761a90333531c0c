"""Adadelta, Adamax, NAdam, RAdam, Rprop, ASGD: PyTorch's update rules, state and errors."""
import numpy as np
import pytest

import autograd as ag
import optim

GRADS = ([0.5, -1.0], [0.3, 2.0], [-0.2, 1.0], [0.4, 0.1], [0.4, 0.3], [0.1, -0.5], [0.2, -0.4],
         [0.3, 0.2])

# (optimizer, options, parameter after the eight GRADS from [1, -2]); values from torch.optim
# 2.13 in float64, rounded to 12 digits
EXPECTED = [
    ("Adadelta", {"lr": 1.0}, [0.98486511821, -2.002588825208]),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "weight_decay": 0.1}, [0.994860072315, -1.999459909864]),
    ("Adamax", {"lr": 0.1}, [0.536664140771, -2.04704159027]),
    ("Adamax", {"lr": 0.1, "weight_decay": 0.5}, [0.432254629874, -1.714550339021]),
    ("NAdam", {"lr": 0.1}, [0.564487490147, -2.045738536557]),
    ("NAdam", {"lr": 0.1, "weight_decay": 0.5, "decoupled_weight_decay": True},
     [0.298744968428, -1.366768892169]),
    ("RAdam", {"lr": 0.1}, [0.833905769331, -2.137071898121]),  # momentum steps only
    ("RAdam", {"lr": 0.1, "betas": (0.9, 0.9)}, [0.766778294689, -2.155869907894]),  # rectified
    ("Rprop", {"lr": 0.1}, [0.333504, -2.046]),
    ("ASGD", {"lr": 0.1, "lambd": 0.1, "t0": 2}, [0.736295110199, -2.008485639888]),
]


@pytest.mark.parametrize("name,kwargs,expected", EXPECTED, ids=[f"{e[0]}-{i}"
                                                                 for i, e in enumerate(EXPECTED)])
def test_trajectory_matches_written_values(name, kwargs, expected):
    w = ag.tensor([1.0, -2.0], dtype="float64", requires_grad=True)
    opt = getattr(optim, name)([w], **kwargs)
    for g in GRADS:
        w.grad = ag.tensor(g, dtype="float64")
        opt.step()
    np.testing.assert_allclose(w.numpy(), expected, rtol=0, atol=1e-11)


def test_rprop_by_hand():
    w = ag.tensor([1.0, -2.0], dtype="float64", requires_grad=True)
    opt = optim.Rprop([w], lr=0.1)
    steps = []
    for g in ([1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, 1.0]):
        before = w.numpy().copy()
        w.grad = ag.tensor(g, dtype="float64")
        opt.step()
        steps.append(np.round(w.numpy() - before, 12).tolist())
    # same sign: the step grows by 1.2; a flip halves it and skips the move; after a skip, x1
    assert steps == [[-0.1, 0.1], [-0.12, 0.0], [0.0, -0.05], [-0.06, -0.06]]
    np.testing.assert_allclose(opt.state[w]["step_size"], [0.06, 0.06])


def test_radam_is_momentum_sgd_until_rho_exceeds_five():
    w = ag.tensor([0.0], dtype="float64", requires_grad=True)
    opt = optim.RAdam([w], lr=0.1)
    m, x = 0.0, 0.0
    for t in range(1, 6):  # rho_t <= 5 for t <= 5 with the default betas
        w.grad = ag.tensor([1.0], dtype="float64")
        opt.step()
        m = 0.9 * m + 0.1
        x -= 0.1 * m / (1 - 0.9 ** t)
        assert w.item() == pytest.approx(x, abs=1e-14)


def test_asgd_averages_after_t0():
    w = ag.tensor([0.0], dtype="float64", requires_grad=True)
    opt = optim.ASGD([w], lr=0.1, lambd=0.0, alpha=0.0, t0=2)  # constant step 0.1
    xs = []
    for _ in range(5):
        w.grad = ag.tensor([1.0], dtype="float64")
        opt.step()
        xs.append(w.item())
    assert xs == pytest.approx([-0.1, -0.2, -0.3, -0.4, -0.5])
    # mu_t = 1 / max(1, t - t0): ax copies x for t <= 3, then averages from step 4 on
    ax = xs[2]
    for t, x in zip((4, 5), xs[3:]):
        ax += (x - ax) / max(1, t - 1 - 2)
    assert opt.state[w]["ax"].item() == pytest.approx(ax)


def test_adamax_first_step_is_lr_times_sign():
    w = ag.tensor([1.0, 1.0, 1.0], requires_grad=True)
    opt = optim.Adamax([w], lr=0.5)
    w.grad = ag.tensor([3.0, -0.01, 100.0])
    opt.step()
    np.testing.assert_allclose(w.numpy(), [0.5, 1.5, 0.5], atol=1e-6)


@pytest.mark.parametrize("name,kwargs,match", [
    ("Adadelta", {"rho": 1.5}, "invalid rho value: 1.5"),
    ("Adadelta", {"lr": -1}, "invalid learning rate"),
    ("Adamax", {"betas": (0.9, 1.0)}, "beta parameter at index 1"),
    ("NAdam", {"momentum_decay": -1}, "momentum_decay"),
    ("NAdam", {"betas": (1.0, 0.9)}, "beta parameter at index 0"),
    ("RAdam", {"eps": -1}, "epsilon"),
    ("Rprop", {"etas": (1.5, 1.2)}, "eta values"),
    ("Rprop", {"step_sizes": (1.0, 0.1)}, "step_sizes"),
    ("ASGD", {"weight_decay": -0.1}, "weight_decay"),
])
def test_invalid_options(name, kwargs, match):
    w = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=match):
        getattr(optim, name)([w], **kwargs)


STATE_KEYS = {
    "Adadelta": {"step", "square_avg", "acc_delta"},
    "Adamax": {"step", "exp_avg", "exp_inf"},
    "NAdam": {"step", "mu_product", "exp_avg", "exp_avg_sq"},
    "RAdam": {"step", "exp_avg", "exp_avg_sq"},
    "Rprop": {"step", "prev", "step_size"},
    "ASGD": {"step", "eta", "mu", "ax"},
}


@pytest.mark.parametrize("name", sorted(STATE_KEYS))
def test_state_dict_layout_and_round_trip(name, tmp_path):
    import nn
    w = ag.tensor([1.0, -2.0], dtype="float64", requires_grad=True)
    opt = getattr(optim, name)([w])
    for g in GRADS[:3]:
        w.grad = ag.tensor(g, dtype="float64")
        opt.step()
    sd = opt.state_dict()
    assert set(sd["state"][0]) == STATE_KEYS[name] and sd["param_groups"][0]["params"] == [0]
    nn.save(sd, tmp_path / "opt.npz")
    w2 = ag.tensor(w.numpy().copy(), requires_grad=True)
    opt2 = getattr(optim, name)([w2])
    opt2.load_state_dict(nn.load(tmp_path / "opt.npz"))
    for g in GRADS[3:]:
        w.grad, w2.grad = ag.tensor(g, dtype="float64"), ag.tensor(g, dtype="float64")
        opt.step()
        opt2.step()
    np.testing.assert_array_equal(w.numpy(), w2.numpy())


# ---------------------------------------------------------------- against torch.optim
TORCH_CASES = [
    ("Adadelta", {}), ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "maximize": True}),
    ("Adamax", {}), ("Adamax", {"lr": 0.01, "weight_decay": 0.1}),
    ("NAdam", {}), ("NAdam", {"lr": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {}), ("RAdam", {"lr": 0.01, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("Rprop", {}), ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2)}),
    ("ASGD", {}), ("ASGD", {"lr": 0.05, "lambd": 0.01, "t0": 5, "weight_decay": 0.1}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", TORCH_CASES)
def test_trajectory_matches_torch(name, kwargs, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    p0 = rng.standard_normal((3, 4)).astype(dtype)
    a = ag.tensor(p0.copy(), requires_grad=True)
    t = torch.tensor(p0.copy(), requires_grad=True)
    oa, ot = getattr(optim, name)([a], **kwargs), getattr(torch.optim, name)([t], **kwargs)
    for _ in range(30):  # the gradient depends on the parameter, so errors would feed back
        g = rng.standard_normal((3, 4)).astype(dtype)
        a.grad = ag.tensor((g + 0.5 * a.numpy()).astype(dtype))
        t.grad = torch.tensor(g + 0.5 * t.detach().numpy())
        oa.step()
        ot.step()
    tol = 1e-6 if dtype == "float32" else 1e-14  # float32: the last bits of fused kernels
    np.testing.assert_allclose(a.numpy(), t.detach().numpy(), rtol=0, atol=tol)
    ref = ot.state_dict()["state"][0]
    ours = oa.state_dict()["state"][0]
    assert set(ours) == set(ref)
    for k in ref:
        np.testing.assert_allclose(np.asarray(ours[k], dtype="float64"),
                                   ref[k].double().numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", sorted(STATE_KEYS))
def test_torch_state_dict_loads_and_continues(name):
    torch = pytest.importorskip("torch")
    p0 = np.array([1.0, -2.0])
    t = torch.tensor(p0.copy(), requires_grad=True)
    ot = getattr(torch.optim, name)([t])
    for g in GRADS[:3]:
        t.grad = torch.tensor(g, dtype=torch.float64)
        ot.step()
    a = ag.tensor(t.detach().numpy().copy(), requires_grad=True)
    oa = getattr(optim, name)([a])
    oa.load_state_dict(ot.state_dict())
    for g in GRADS[3:]:
        t.grad, a.grad = torch.tensor(g, dtype=torch.float64), ag.tensor(g, dtype="float64")
        ot.step()
        oa.step()
    np.testing.assert_allclose(a.numpy(), t.detach().numpy(), rtol=0, atol=1e-14)


def test_rprop_refuses_a_negative_step_size_on_load():
    w = ag.tensor([1.0, -2.0], dtype="float64", requires_grad=True)
    opt = optim.Rprop([w])
    w.grad = ag.tensor([1.0, 1.0], dtype="float64")
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["step_size"] = np.array([0.1, -0.1])
    with pytest.raises(ValueError, match="step_size"):
        optim.Rprop([ag.tensor([1.0, -2.0], dtype="float64", requires_grad=True)]) \
            .load_state_dict(sd)
