"""nn.data: DataLoader batching, seeded shuffling, collate, random_split, Subset."""
import numpy as np
import pytest

import autograd as ag
from nn import datasets
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
