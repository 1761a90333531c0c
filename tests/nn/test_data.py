"""nn.data: DataLoader batching, seeded shuffling, collate, random_split, Subset."""
import numpy as np
import pytest

import autograd as ag
from nn import datasets, transforms
from nn.data import (
    ConcatDataset,
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)


class ListDataset(Dataset):
    """A dataset without get_batch, so the loader takes the per-sample path."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.full(3, i, dtype=np.float32), int(i)


def _xy(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    return TensorDataset(x, np.arange(n))


# (n, batch_size, drop_last, expected batch sizes)
BATCHING = [
    (10, 4, False, [4, 4, 2]),
    (10, 4, True, [4, 4]),
    (8, 4, False, [4, 4]),
    (8, 4, True, [4, 4]),
    (3, 5, False, [3]),
    (3, 5, True, []),
    (1, 1, False, [1]),
]


@pytest.mark.parametrize("n,bs,drop,sizes", BATCHING)
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("fast", [True, False])
def test_batch_sizes_and_coverage(n, bs, drop, sizes, shuffle, fast):
    ds = _xy(n) if fast else ListDataset(n)
    dl = DataLoader(ds, batch_size=bs, shuffle=shuffle, drop_last=drop, seed=1)
    batches = list(dl)
    assert [len(b[1]) for b in batches] == sizes
    assert len(dl) == len(sizes)
    labels = np.concatenate([b[1].numpy() for b in batches]) if batches else np.array([])
    assert len(set(labels.tolist())) == len(labels)  # no sample twice
    if not drop:
        assert sorted(labels.tolist()) == list(range(n))
    if not shuffle:
        assert labels.tolist() == list(range(len(labels)))
    for x, y in batches:  # features stay aligned with labels
        assert x.shape == (len(y), 3)
        assert x.dtype == np.float32 and y.dtype == np.int64
        if fast:
            np.testing.assert_array_equal(x.numpy()[:, 0], y.numpy() * 3)
        else:
            np.testing.assert_array_equal(x.numpy()[:, 0], y.numpy())


def _orders(dl, epochs=3):
    return [np.concatenate([b[1].numpy() for b in dl]).tolist() for _ in range(epochs)]


def test_seed_repeats_and_epochs_differ():
    a = _orders(DataLoader(_xy(50), batch_size=7, shuffle=True, seed=3))
    b = _orders(DataLoader(_xy(50), batch_size=7, shuffle=True, seed=3))
    c = _orders(DataLoader(_xy(50), batch_size=7, shuffle=True, seed=4))
    assert a == b
    assert a != c
    assert a[0] != a[1]  # a new order every epoch
    assert a[0] != list(range(50))


def test_own_generator_is_independent_of_global_draws():
    a = _orders(DataLoader(_xy(30), batch_size=30, shuffle=True, seed=0), 1)
    dl = DataLoader(_xy(30), batch_size=30, shuffle=True, seed=0)
    ag.manual_seed(123)
    ag.randn(100)  # other code drawing random numbers does not change the loader's order
    assert _orders(dl, 1) == a


def test_generator_argument_and_global_seed():
    g1, g2 = np.random.default_rng(9), np.random.default_rng(9)
    a = _orders(DataLoader(_xy(20), batch_size=6, shuffle=True, generator=g1))
    b = _orders(DataLoader(_xy(20), batch_size=6, shuffle=True, generator=g2))
    assert a == b
    ag.manual_seed(5)
    c = _orders(DataLoader(_xy(20), batch_size=6, shuffle=True))
    ag.manual_seed(5)
    d = _orders(DataLoader(_xy(20), batch_size=6, shuffle=True))
    assert c == d


def test_pytorch_loader_arguments_are_accepted():
    dl = DataLoader(_xy(6), batch_size=3, num_workers=2, pin_memory=True)
    assert [b[1].tolist() for b in dl] == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(_xy(6), num_workers=-1)


def test_custom_collate_gets_the_list_of_samples():
    seen = []

    def collate(samples):
        seen.append(len(samples))
        return samples

    out = list(DataLoader(_xy(5), batch_size=2, collate_fn=collate))
    assert seen == [2, 2, 1]
    assert isinstance(out[0], list) and isinstance(out[0][0], tuple)


def test_default_collate_structures():
    batch = [{"x": np.ones(2), "y": 1.5, "name": "a", "t": (1, True)},
             {"x": np.zeros(2), "y": 2.5, "name": "b", "t": (2, False)}]
    out = default_collate(batch)
    assert out["x"].shape == (2, 2)
    assert out["y"].dtype == np.float32 and out["y"].tolist() == [1.5, 2.5]
    assert out["name"] == ["a", "b"]
    assert out["t"][0].dtype == np.int64 and out["t"][1].dtype == np.bool_
    with pytest.raises(ValueError, match="different shapes"):
        default_collate([np.ones(2), np.ones(3)])
    with pytest.raises(TypeError, match="collate_fn"):
        default_collate([object(), object()])


def test_subset_keeps_the_fast_path_and_concat():
    ds = _xy(10)
    sub = Subset(ds, [9, 3, 5])
    assert hasattr(sub, "get_batch")
    assert not hasattr(Subset(ListDataset(4), [0]), "get_batch")
    (x, y), = list(DataLoader(sub, batch_size=3))
    assert y.tolist() == [9, 3, 5]
    np.testing.assert_array_equal(x.numpy(), ds.arrays[0][[9, 3, 5]])
    cat = ConcatDataset([ListDataset(2), ListDataset(3)])
    assert len(cat) == 5 and cat[2][1] == 0 and cat[-1][1] == 2
    with pytest.raises(IndexError):
        cat[5]
    with pytest.raises(IndexError, match="indices must lie"):
        Subset(ds, [10])


@pytest.mark.parametrize("lengths,expected", [
    ([7, 3], [7, 3]),
    ([0.7, 0.3], [7, 3]),
    ([0.5, 0.25, 0.25], [6, 2, 2]),  # the remainder goes round-robin, as torch
    ([10, 0], [10, 0]),
])
def test_random_split(lengths, expected):
    parts = random_split(_xy(10), lengths, seed=0)
    assert [len(p) for p in parts] == expected
    all_idx = np.concatenate([p.indices for p in parts]).tolist()
    assert sorted(all_idx) == list(range(10))
    again = random_split(_xy(10), lengths, seed=0)
    assert [p.indices.tolist() for p in parts] == [p.indices.tolist() for p in again]


@pytest.mark.parametrize("call,err,match", [
    (lambda: DataLoader(_xy(), batch_size=0), ValueError, "batch_size"),
    (lambda: DataLoader(_xy(), seed=1, generator=np.random.default_rng()), ValueError, "not both"),
    (lambda: DataLoader(_xy(), seed=1.5), TypeError, "seed"),
    (lambda: DataLoader(42), TypeError, "__getitem__"),
    (lambda: TensorDataset(np.ones(3), np.ones(4)), ValueError, r"\[3, 4\]"),
    (lambda: TensorDataset(), ValueError, "at least one"),
    (lambda: random_split(_xy(10), [5, 4]), ValueError, "summing"),
])
def test_errors(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_tensordataset_detaches_and_shares():
    x = ag.tensor(np.ones((4, 2)), requires_grad=True)
    ds = TensorDataset(x, np.arange(4))
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert not xb.requires_grad and xb.grad_fn is None
    assert ds.tensors[0].data is x.data


# ---------------------------------------------------------------- datasets
def _write_idx(path, arr, gz=False):
    codes = {np.dtype(np.uint8): 0x08, np.dtype(">i4"): 0x0C}
    header = bytes([0, 0, codes[arr.dtype], arr.ndim]) + np.asarray(arr.shape, ">u4").tobytes()
    payload = header + arr.tobytes()
    if gz:
        import gzip
        payload = gzip.compress(payload)
    path.write_bytes(payload)


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("train", [True, False])
def test_mnist_reads_idx_files(tmp_path, gz, train):
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, (7, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 7).astype(np.uint8)
    pre = "train" if train else "t10k"
    ext = ".gz" if gz else ""
    _write_idx(tmp_path / f"{pre}-images-idx3-ubyte{ext}", imgs, gz)
    _write_idx(tmp_path / f"{pre}-labels-idx1-ubyte{ext}", labels, gz)
    X, y = datasets.mnist(tmp_path, train=train)
    assert X.shape == (7, 784) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_allclose(X * 255, imgs.reshape(7, -1), atol=1e-4)
    np.testing.assert_array_equal(y, labels)
    Xi, _ = datasets.mnist(tmp_path, train=train, images=True)
    assert Xi.shape == (7, 1, 28, 28)


def test_mnist_accepts_the_dotted_file_names(tmp_path):
    _write_idx(tmp_path / "t10k-images.idx3-ubyte", np.full((3, 28, 28), 255, np.uint8))
    _write_idx(tmp_path / "t10k-labels.idx1-ubyte.gz", np.array([1, 2, 3], np.uint8), gz=True)
    X, y = datasets.mnist(tmp_path, train=False)
    assert X.shape == (3, 784) and float(X.min()) == 1.0 and y.tolist() == [1, 2, 3]


def test_read_idx_big_endian_ints(tmp_path):
    a = np.arange(-6, 6, dtype=">i4").reshape(3, 4)
    _write_idx(tmp_path / "a.idx", a)
    out = datasets.read_idx(tmp_path / "a.idx")
    np.testing.assert_array_equal(out, a)
    assert out.dtype.isnative


def test_mnist_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a folder"):
        datasets.mnist(tmp_path / "nowhere")
    _write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(FileNotFoundError, match="train-labels-idx1-ubyte"):
        datasets.mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x05ab")
    with pytest.raises(ValueError, match="truncated"):
        datasets.mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(b"PK\x03\x04junk")
    with pytest.raises(ValueError, match="not an IDX file"):
        datasets.mnist(tmp_path)


def test_digits():
    X, y = datasets.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert sorted(set(y.tolist())) == list(range(10))
    assert datasets.digits(images=True)[0].shape == (1797, 1, 8, 8)


def test_mnist5k_sorted_as_shipped_and_split_after_shuffle():
    X, y = datasets.mnist5k()
    assert X.shape == (5000, 784) and X.dtype == np.float32 and 0 <= X.min() and X.max() <= 1
    assert (np.diff(y) >= 0).all()  # shipped sorted by class
    (Xtr, ytr), (Xte, yte) = datasets.mnist5k_split(seed=0, images=True)
    assert Xtr.shape == (4000, 1, 28, 28) and Xte.shape == (1000, 1, 28, 28)
    assert np.bincount(yte, minlength=10).min() > 60  # every class in the test set
    (_, ytr2), _ = datasets.mnist5k_split(seed=0)
    (_, ytr3), _ = datasets.mnist5k_split(seed=1)
    assert (ytr == ytr2).all() and not (ytr == ytr3).all()


def test_synthetic_sets():
    X, y = datasets.spiral(40, 4, seed=1)
    assert X.shape == (160, 2) and np.bincount(y).tolist() == [40] * 4
    assert np.abs(X).max() <= 1.0 + 1e-6
    X2, _ = datasets.spiral(40, 4, seed=1)
    np.testing.assert_array_equal(X, X2)
    X, y = datasets.xor(8, noise=0.05)
    assert X.shape == (8, 2) and y.tolist() == [0, 1, 1, 0] * 2
    assert np.abs(X - np.round(X)).max() < 0.5 and np.abs(X - np.round(X)).max() > 0
    X, y = datasets.sin_curve(50, noise=0.1)
    assert X.shape == y.shape == (50, 1)
    assert 0.02 < np.std(y - np.sin(2 * np.pi * X)) < 0.2


def test_missing_extra_says_how_to_install(monkeypatch):
    import builtins
    real = builtins.__import__

    def fake(name, *a, **k):
        if name.startswith("sklearn"):
            raise ImportError("no sklearn")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ImportError, match=r"pip install scratchgrad\[examples\]"):
        datasets.digits()


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
    (lambda: transforms.RandomHorizontalFlip()(np.ones((4, 4))), r"\(C, H, W\)"),
    (lambda: transforms.RandomCrop(2, seed=1, generator=np.random.default_rng()), "not both"),
])
def test_transform_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
