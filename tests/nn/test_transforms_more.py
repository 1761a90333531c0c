"""ToTensor, Lambda, Pad, Resize, CenterCrop on PIL-like images; make_grid and save_image."""
import numpy as np
import pytest

import autograd as ag
from nn import image_utils, transforms


def test_to_tensor_as_torchvision():
    hw = np.array([[0, 255], [51, 102]], np.uint8)
    t = transforms.ToTensor()(hw)
    assert t.shape == (1, 2, 2) and t.dtype == np.float32
    np.testing.assert_allclose(t.numpy()[0], hw / 255, rtol=1e-6)
    hwc = np.arange(24, dtype=np.uint8).reshape(2, 4, 3)
    t = transforms.ToTensor()(hwc)
    assert t.shape == (3, 2, 4)
    np.testing.assert_allclose(t.numpy()[1], hwc[..., 1] / 255, rtol=1e-6)
    f = transforms.ToTensor()(np.full((2, 2, 1), 7.0, np.float32))  # not uint8: no scaling
    assert f.tolist() == [[[7.0, 7.0], [7.0, 7.0]]]
    with pytest.raises(TypeError, match="already"):
        transforms.ToTensor()(ag.zeros(1, 2, 2))


def test_uint8_hwc_images_stay_channels_last_through_geometry():
    img = np.random.default_rng(0).integers(0, 256, (6, 8, 3), dtype=np.uint8)
    out = transforms.Compose([transforms.Pad(1), transforms.CenterCrop(4),
                              transforms.RandomHorizontalFlip(p=1.0)])(img)
    assert out.shape == (4, 4, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, img[1:5, 2:6][:, ::-1])
    t = transforms.Compose([transforms.RandomCrop(5, padding=2, seed=0), transforms.ToTensor(),
                            transforms.Normalize([0.5] * 3, [0.5] * 3)])(img)
    assert t.shape == (3, 5, 5) and -1 <= float(t.numpy().min()) and float(t.numpy().max()) <= 1


@pytest.mark.parametrize("padding,mode,expected", [
    (1, "constant", [[0, 0, 0, 0], [0, 1, 2, 0], [0, 0, 0, 0]]),
    ((1, 0), "edge", [[1, 1, 2, 2]]),
    ((0, 0, 2, 0), "reflect", [[1, 2, 1, 2]]),
    ((2, 0, 0, 0), "symmetric", [[2, 1, 1, 2]]),
])
def test_pad(padding, mode, expected):
    out = transforms.Pad(padding, padding_mode=mode)(np.array([[1, 2]], np.uint8))
    assert out.tolist() == expected


def test_center_crop_and_resize_sizes():
    x = np.arange(25.0).reshape(1, 5, 5)
    assert transforms.CenterCrop(3)(x)[0].tolist() == [[6, 7, 8], [11, 12, 13], [16, 17, 18]]
    assert transforms.CenterCrop((2, 7))(x).shape == (1, 2, 7)  # padded, as torchvision
    assert transforms.Resize(10)(np.zeros((2, 20, 30))).shape == (2, 10, 15)
    assert transforms.Resize(10)(np.zeros((30, 20), np.uint8)).shape == (15, 10)
    up = transforms.Resize((3, 3), interpolation="bilinear")(np.array([[[0.0, 3.0]]]))
    np.testing.assert_allclose(up[0, 0], [0.0, 1.5, 3.0])
    u8 = transforms.Resize((1, 4))(np.array([[0, 255]], np.uint8))
    assert u8.dtype == np.uint8 and u8.tolist() == [[0, 64, 191, 255]]
    with pytest.raises(ValueError, match="interpolation"):
        transforms.Resize(4, interpolation="bicubic")
    assert transforms.Lambda(lambda v: v + 1)(1) == 2


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize("size", [(7, 5), (3, 9), (12, 12), (2, 2)])
def test_resize_matches_torch_interpolate(mode, size):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).random((2, 3, 6, 8)).astype(np.float32)
    ours = transforms.Resize(size, interpolation=mode)(ag.tensor(x)).numpy()
    ref = torch.nn.functional.interpolate(torch.tensor(x), size=size, mode=mode,
                                          **({"align_corners": False} if mode == "bilinear"
                                             else {})).numpy()
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-6)


def test_make_grid_layout():
    imgs = np.stack([np.full((1, 2, 2), i, np.float32) for i in range(5)])
    g = image_utils.make_grid(imgs, nrow=3, padding=1, pad_value=-1).numpy()
    assert g.shape == (3, 7, 10)  # rows 2 * (2 + 1) + 1, cols 3 * (2 + 1) + 1, grey -> RGB
    assert g[0, 1, 1] == 0 and g[0, 1, 4] == 1 and g[0, 4, 4] == 4 and g[0, 4, 7] == -1
    assert g[0, 0, 0] == -1
    n = image_utils.make_grid(imgs, normalize=True, padding=0).numpy()
    assert float(n.min()) == 0.0 and float(n.max()) == 1.0
    r = image_utils.make_grid(imgs, normalize=True, value_range=(0, 2), padding=0).numpy()
    assert float(r.max()) == 1.0 and r[0, 0, 2] == 0.5
    e = image_utils.make_grid(imgs + np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2),
                              normalize=True, scale_each=True, padding=0).numpy()
    assert float(e[0, :2, :2].min()) == 0.0 and float(e[0, :2, :2].max()) == 1.0
    assert image_utils.make_grid(imgs[:1]).shape == (3, 2, 2)
    with pytest.raises(ValueError, match="nrow"):
        image_utils.make_grid(imgs, nrow=0)


def test_save_image_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.image as mpimg
    imgs = np.random.default_rng(0).random((6, 3, 5, 4)).astype(np.float32)
    p = tmp_path / "grid.png"
    image_utils.save_image(ag.tensor(imgs), p, nrow=3, padding=1)
    back = mpimg.imread(p)
    assert back.shape[:2] == (2 * 6 + 1, 3 * 5 + 1)
    expected = np.clip(imgs[4] * 255 + 0.5, 0, 255).astype(np.uint8) / 255
    np.testing.assert_allclose(back[7:12, 6:10, :3], expected.transpose(1, 2, 0), atol=1e-6)
    with open(tmp_path / "f.bin", "wb") as f:
        image_utils.save_image(imgs[0], f)
    assert (tmp_path / "f.bin").read_bytes()[:4] == b"\x89PNG"


def test_save_image_without_matplotlib_says_how_to_install(monkeypatch, tmp_path):
    import builtins
    real = builtins.__import__

    def fake(name, *a, **k):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ImportError, match=r"pip install scratchgrad\[examples\]"):
        image_utils.save_image(np.zeros((3, 2, 2)), tmp_path / "x.png")


def test_pil_images_as_torchvision_takes_them():
    Image = pytest.importorskip("PIL.Image")
    arr = np.random.default_rng(0).integers(0, 256, (6, 5, 3), dtype=np.uint8)
    pil = Image.fromarray(arr)
    t = transforms.ToTensor()(pil)
    assert t.shape == (3, 6, 5)
    np.testing.assert_allclose(t.numpy(), arr.transpose(2, 0, 1) / 255, rtol=1e-6)
    grey = Image.fromarray(arr[..., 0])
    assert transforms.ToTensor()(grey).shape == (1, 6, 5)
    cropped = transforms.CenterCrop(4)(pil)  # a PIL image in, its pixels (H, W, C) out
    np.testing.assert_array_equal(cropped, arr[1:5, 0:4])  # top round(1.0), left round(0.5)


def test_random_crop_as_torchvision():
    x = np.arange(16.0).reshape(1, 4, 4)
    out = transforms.RandomCrop(4, padding=(1, 0, 0, 0), seed=0)(x)  # left only: 5 wide
    assert out.shape == (1, 4, 4)
    assert np.array_equal(out, x) or np.array_equal(out[:, :, 1:], x[:, :, :3])
    grown = transforms.RandomCrop(6, pad_if_needed=True, padding_mode="edge", seed=0)(x)
    assert grown.shape == (1, 6, 6) and set(np.unique(grown)) <= set(np.unique(x))
    with pytest.raises(ValueError, match="pad_if_needed"):
        transforms.RandomCrop(6)(x)
    with pytest.raises(ValueError, match="padding_mode"):
        transforms.RandomCrop(2, padding_mode="wrap")
    ag.manual_seed(4)
    a = transforms.RandomCrop(2)(np.arange(100.0).reshape(4, 1, 5, 5))
    ag.manual_seed(4)
    assert np.array_equal(a, transforms.RandomCrop(2)(np.arange(100.0).reshape(4, 1, 5, 5)))


def test_torchvision_keywords_are_accepted():
    x = np.arange(16.0).reshape(1, 4, 4)
    r = transforms.Resize((2, 2), interpolation=transforms.InterpolationMode.NEAREST,
                          antialias=True)(x)
    assert r.tolist() == [[[0.0, 2.0], [8.0, 10.0]]]
    n = transforms.Normalize((1.0,), (2.0,), inplace=True)(x)
    assert n[0, 0, 1] == 0.0 and x[0, 0, 1] == 1.0
