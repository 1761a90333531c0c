"""nn.transforms: batch augmentations, normalisation, seeding."""
import numpy as np
import pytest

import autograd as ag
from nn import transforms


# ---------------------------------------------------------------- transforms
def _imgs(n=16, c=2, h=6, w=5):
    return np.random.default_rng(0).random((n, c, h, w)).astype(np.float32) + 1.0  # no zeros


def test_flip_is_per_sample_and_seeded():
    x = _imgs()
    out = transforms.RandomHorizontalFlip(seed=0)(x)
    flipped = np.array([np.array_equal(o, i[..., ::-1]) for o, i in zip(out, x)])
    kept = np.array([np.array_equal(o, i) for o, i in zip(out, x)])
    assert (flipped | kept).all() and flipped.any() and kept.any()
    again = transforms.RandomHorizontalFlip(seed=0)(x)
    np.testing.assert_array_equal(out, again)
    np.testing.assert_array_equal(transforms.RandomHorizontalFlip(p=0.0)(x), x)


def test_random_crop_shifts_within_padding():
    x = _imgs()
    out = transforms.RandomCrop((6, 5), padding=2, seed=1)(x)
    assert out.shape == x.shape and out.dtype == x.dtype
    shifts = set()
    for o, i in zip(out, x):
        padded = np.pad(i, ((0, 0), (2, 2), (2, 2)))
        found = [(dy, dx) for dy in range(5) for dx in range(5)
                 if np.array_equal(padded[:, dy:dy + 6, dx:dx + 5], o)]
        assert found, "every output is a window of the padded input"
        shifts.add(found[0])
    assert len(shifts) > 3  # independent offsets per sample
    small = transforms.RandomCrop(3, seed=0)(x[0])  # a single image, no padding
    assert small.shape == (2, 3, 3)


def test_random_erasing_area_and_value():
    x = _imgs(64, 1, 20, 20)
    out = transforms.RandomErasing(p=1.0, scale=(0.1, 0.2), seed=0)(x)
    frac = (out == 0).mean(axis=(1, 2, 3))
    assert (frac > 0.05).all() and (frac < 0.25).all()
    for o in out[:8]:  # the erased pixels form one rectangle
        rows, cols = np.nonzero(o[0] == 0)
        assert (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1) == rows.size
    half = transforms.RandomErasing(p=0.5, seed=0)(x)
    hit = (half == 0).any(axis=(1, 2, 3)).mean()
    assert 0.25 < hit < 0.75
    noisy = transforms.RandomErasing(p=1.0, value="random", seed=0)(x)
    assert not np.array_equal(noisy, x)


def test_normalize_compose_and_tensor_in_tensor_out():
    x = ag.tensor(_imgs(4, 3, 2, 2))
    norm = transforms.Normalize([1.0, 1.5, 2.0], [0.5, 0.5, 0.25])
    out = norm(x)
    assert isinstance(out, ag.Tensor) and out.dtype == np.float32
    np.testing.assert_allclose(out.numpy()[:, 1], (x.numpy()[:, 1] - 1.5) / 0.5, rtol=1e-6)
    pipe = transforms.Compose([transforms.RandomCrop(2, padding=1),
                               transforms.RandomHorizontalFlip()], seed=3)
    a = pipe(x.numpy())
    pipe2 = transforms.Compose([transforms.RandomCrop(2, padding=1),
                                transforms.RandomHorizontalFlip()], seed=3)
    np.testing.assert_array_equal(a, pipe2(x.numpy()))
    ag.manual_seed(0)
    b = transforms.RandomHorizontalFlip()(x)
    ag.manual_seed(0)
    np.testing.assert_array_equal(b.numpy(), transforms.RandomHorizontalFlip()(x).numpy())


@pytest.mark.parametrize("call,match", [
    (lambda: transforms.Normalize([0.5, 0.5], [1, 1])(np.ones((3, 2, 2))), "3 channels"),
    (lambda: transforms.Normalize([0.5], [0.0]), "non-zero"),
    (lambda: transforms.RandomCrop(9)(np.ones((1, 4, 4))), "larger"),
    (lambda: transforms.RandomHorizontalFlip(p=2), r"\[0, 1\]"),
    (lambda: transforms.RandomErasing(scale=(0.5, 0.1)), "scale"),
    (lambda: transforms.RandomHorizontalFlip()(np.ones(4)), r"\(C, H, W\)"),  # 2-D is (H, W)
    (lambda: transforms.RandomCrop(2, seed=1, generator=np.random.default_rng()), "not both"),
])
def test_transform_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
