"""nn.datasets: the IDX reader, MNIST folders, the offline and synthetic sets."""
import numpy as np
import pytest

from nn import datasets


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
