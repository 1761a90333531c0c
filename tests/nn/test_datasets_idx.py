"""Hostile IDX files, MNIST label/pixel checks, and the torchvision-shaped MNIST/FakeData."""
import gzip
import os
import tracemalloc
import zlib

import numpy as np
import pytest

from autograd.utils.data import DataLoader
from nn import datasets, transforms


def _header(code, shape):
    return bytes([0, 0, code, len(shape)]) + np.asarray(shape, ">u4").tobytes()


def _write(path, payload, gz=False):
    path.write_bytes(gzip.compress(payload) if gz else payload)
    return path


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("payload,match", [
    (bytes([0, 0, 8, 65]) + b"\x00\x00\x00\x01" * 65, "65 dimensions"),
    (_header(8, [2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1]) + b"\x00" * 8, "holds|more than"),
    (_header(8, [65536, 65536, 4096]) + b"\x00" * 8, "holds|more than"),  # 2^44, no wrap to 0
    (_header(8, [5]) + b"\x01\x02", "truncated|holds"),
    (_header(8, [2]) + b"\x01\x02\x03", "more data|holds"),
    (b"PK\x03\x04junk", "not an IDX file"),
    (_header(8, [3])[:6], "truncated in its header"),
])
def test_hostile_idx_is_one_clear_value_error(tmp_path, payload, match, gz):
    p = _write(tmp_path / "bad-idx", payload, gz)
    with pytest.raises(ValueError, match=match) as e:
        datasets.read_idx(p)
    assert str(p) in str(e.value)


def test_corrupt_deflate_stream_names_the_file(tmp_path):
    blob = bytearray(gzip.compress(_header(8, [1000]) + bytes(range(256)) * 4))
    blob[20:40] = b"\xff" * 20  # break the deflate data, keep the gzip magic
    p = tmp_path / "labels.gz"
    p.write_bytes(bytes(blob))
    with pytest.raises(ValueError, match="labels.gz") as e:
        datasets.read_idx(p)
    assert not isinstance(e.value, zlib.error)


def test_gzip_bomb_stops_at_the_declared_size(tmp_path):
    # declares one value but inflates to 256 MB: only the header and one byte are inflated
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [comp.compress(_header(8, [1]) + b"\x07")]
    zeros = bytes(1 << 20)
    parts += [comp.compress(zeros) for _ in range(256)]
    parts.append(comp.flush())
    p = tmp_path / "bomb.gz"
    p.write_bytes(b"".join(parts))
    assert p.stat().st_size < 1 << 20
    tracemalloc.start()
    with pytest.raises(ValueError, match="more data than its header"):
        datasets.read_idx(p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 << 20


def test_gzip_claiming_more_than_deflate_can_hold(tmp_path):
    p = _write(tmp_path / "liar.gz", _header(8, [10 ** 9]) + b"\x00" * 10, gz=True)
    with pytest.raises(ValueError, match="more than a"):
        datasets.read_idx(p)


def _mnist_dir(root, labels, images=None, label_code=8, image_code=8, sub=""):
    d = root / sub if sub else root
    d.mkdir(parents=True, exist_ok=True)
    n = len(labels)
    imgs = np.zeros((n, 2, 2), np.uint8) if images is None else images
    for split in ("train", "t10k"):
        (d / f"{split}-images-idx3-ubyte").write_bytes(
            _header(image_code, imgs.shape) + imgs.astype(imgs.dtype.newbyteorder(">")).tobytes())
        lab = np.asarray(labels)
        (d / f"{split}-labels-idx1-ubyte").write_bytes(
            _header(label_code, lab.shape) + lab.astype(lab.dtype.newbyteorder(">")).tobytes())
    return d


@pytest.mark.parametrize("labels,code,match", [
    (np.array([0.0, np.nan], ">f8"), 0x0E, "class ids"),
    (np.array([1.5, 2.0], ">f4"), 0x0D, "class ids"),
    (np.array([0, 200], np.uint8), 0x08, r"0\.\.200"),
    (np.array([-1, 3], np.int8), 0x09, "-1"),
    (np.array([0, 10], ">i4"), 0x0C, "class ids"),
])
def test_mnist_labels_must_be_class_ids(tmp_path, labels, code, match):
    _mnist_dir(tmp_path, labels, label_code=code)
    with pytest.raises(ValueError, match=match):
        datasets.mnist(tmp_path)


def test_mnist_float_pixels_outside_unit_range_are_refused(tmp_path):
    imgs = np.full((2, 2, 2), 0.5)
    _mnist_dir(tmp_path, np.array([1, 2], np.uint8), images=imgs, image_code=0x0E)
    X, y = datasets.mnist(tmp_path)
    assert X.dtype == np.float32 and float(X.max()) == 0.5 and y.tolist() == [1, 2]
    imgs[0, 0, 0] = 3.0
    _mnist_dir(tmp_path, np.array([1, 2], np.uint8), images=imgs, image_code=0x0E)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        datasets.mnist(tmp_path)


@pytest.mark.parametrize("cls", [datasets.MNIST, datasets.FashionMNIST])
def test_torchvision_shaped_mnist(tmp_path, cls):
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    d = _mnist_dir(tmp_path, np.array([3, 1, 4, 1, 5], np.uint8), images=imgs,
                   sub=f"{cls.__name__}/raw")
    os.rename(d / "t10k-images-idx3-ubyte", d / "t10k-images-idx3-ubyte.gz")
    (d / "t10k-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(_header(8, imgs.shape) + imgs.tobytes()))
    ds = cls(str(tmp_path), train=True, download=False)
    img, label = ds[2]
    assert img.shape == (28, 28) and img.dtype == np.uint8 and label == 4
    assert ds.targets.tolist() == [3, 1, 4, 1, 5] and ds.data.shape == (5, 28, 28)
    assert len(ds.classes) == 10
    test = cls(tmp_path, train=False, transform=transforms.Compose([
        transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]),
        target_transform=lambda t: t * 10)
    x, t = test[0]
    assert x.shape == (1, 28, 28) and x.dtype == np.float32 and t == 30
    np.testing.assert_allclose(x.numpy()[0], (imgs[0] / 255 - 0.1307) / 0.3081, rtol=1e-5)
    xb, yb = next(iter(DataLoader(test, batch_size=4)))
    assert xb.shape == (4, 1, 28, 28) and yb.tolist() == [30, 10, 40, 10]


def test_missing_files_say_which_and_where(tmp_path):
    for download in (False, True):
        with pytest.raises(RuntimeError, match="train-images-idx3-ubyte") as e:
            datasets.MNIST(tmp_path, download=download)
        assert os.path.join(str(tmp_path), "MNIST", "raw") in str(e.value)
    with pytest.raises(RuntimeError, match="does not download"):
        datasets.FashionMNIST(tmp_path, download=True)


def test_fake_data():
    ds = datasets.FakeData(size=6, image_size=(3, 8, 5), num_classes=4,
                           transform=transforms.ToTensor())
    x, y = ds[1]
    assert x.shape == (3, 8, 5) and 0 <= float(x.numpy().min()) and float(x.numpy().max()) <= 1
    again, y2 = ds[1]
    np.testing.assert_array_equal(x.numpy(), again.numpy())
    assert y == y2 and 0 <= y < 4 and len(ds) == 6
    other = datasets.FakeData(size=6, image_size=(3, 8, 5), random_offset=1)
    assert not np.array_equal(other[1][0], datasets.FakeData(size=6, image_size=(3, 8, 5))[1][0])
    with pytest.raises(IndexError):
        ds[6]
    labels = [datasets.FakeData(size=200, num_classes=4, image_size=(1, 2, 2))[i][1]
              for i in range(200)]
    assert set(labels) == {0, 1, 2, 3}


def test_a_ported_mnist_training_loop_learns(tmp_path):
    """The shape of PyTorch's MNIST example, with the porting table's imports."""
    import autograd as torch
    import nn
    import nn.functional as F
    import optim
    from optim.lr_scheduler import StepLR

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 120).astype(np.uint8)
    imgs = rng.integers(0, 60, (120, 28, 28)).astype(np.uint8)
    for k, y in enumerate(labels):  # each class lights its own band of rows
        imgs[k, 2 * y:2 * y + 3] = 250
    d = _mnist_dir(tmp_path, labels, images=imgs, sub="MNIST/raw")
    assert d.is_dir()
    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize((0.1307,), (0.3081,))])
    dataset1 = datasets.MNIST(str(tmp_path), train=True, download=True, transform=transform)
    train_loader = DataLoader(dataset1, batch_size=16, shuffle=True, num_workers=1,
                              pin_memory=True)
    torch.manual_seed(1)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    losses = []
    for _epoch in range(3):
        model.train()
        total = 0.0
        for data, target in train_loader:
            optimizer.zero_grad()
            output = F.log_softmax(model(data), dim=1)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(target)
        losses.append(total / len(dataset1))
        scheduler.step()
    assert losses[-1] < 0.5 * losses[0]
    assert scheduler.get_last_lr()[0] == pytest.approx(0.7 ** 3)
