"""nn.models: torchvision's module names (so state-dict keys match), its documented parameter
counts, forward shapes, and the offline weights error. torchvision is not needed: the expected
keys are written from its documented architectures."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.models.vgg import CFGS, make_layers

BN = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]


def _bn(prefix):
    return [f"{prefix}.{k}" for k in BN]


def _count(model):
    return sum(p.numel() for p in model.parameters())


def _resnet_keys(blocks):
    """torchvision's ResNet with BasicBlock: stem, four stages, fc."""
    keys = ["conv1.weight"] + _bn("bn1")
    for stage, n in enumerate(blocks, start=1):
        for b in range(n):
            p = f"layer{stage}.{b}"
            keys += [f"{p}.conv1.weight"] + _bn(f"{p}.bn1") + [f"{p}.conv2.weight"] + \
                _bn(f"{p}.bn2")
            if b == 0 and stage > 1:
                keys += [f"{p}.downsample.0.weight"] + _bn(f"{p}.downsample.1")
    return keys + ["fc.weight", "fc.bias"]


def _googlenet_keys(aux):
    def basic(p):
        return [f"{p}.conv.weight"] + _bn(f"{p}.bn")

    keys = basic("conv1") + basic("conv2") + basic("conv3")
    for name in ["3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"]:
        p = f"inception{name}"
        keys += basic(f"{p}.branch1") + basic(f"{p}.branch2.0") + basic(f"{p}.branch2.1") + \
            basic(f"{p}.branch3.0") + basic(f"{p}.branch3.1") + basic(f"{p}.branch4.1")
    if aux:
        for a in ("aux1", "aux2"):
            keys += basic(f"{a}.conv") + [f"{a}.fc1.weight", f"{a}.fc1.bias", f"{a}.fc2.weight",
                                          f"{a}.fc2.bias"]
    return keys + ["fc.weight", "fc.bias"]


def _wb(prefix, idx):
    return [f"{prefix}.{i}.{k}" for i in idx for k in ("weight", "bias")]


def test_resnet_keys_and_documented_counts():
    r18 = nn.models.resnet18()
    assert list(r18.state_dict()) == _resnet_keys([2, 2, 2, 2])
    assert _count(r18) == 11_689_512
    r34 = nn.models.resnet34()
    assert list(r34.state_dict()) == _resnet_keys([3, 4, 6, 3])
    assert _count(r34) == 21_797_672
    small = nn.models.resnet18(num_classes=10, small_input=True)
    assert list(small.state_dict()) == _resnet_keys([2, 2, 2, 2])
    assert small.conv1.weight.shape == (64, 3, 3, 3) and small.fc.weight.shape == (10, 512)


def test_googlenet_keys_and_documented_count():
    g = nn.models.googlenet(aux_logits=False)
    assert list(g.state_dict()) == _googlenet_keys(False)
    assert _count(g) == 6_624_904  # torchvision's documented size (no auxiliary heads)
    assert list(nn.models.googlenet().state_dict()) == _googlenet_keys(True)


def test_vgg_and_alexnet_feature_keys():
    # the convolutional parts (the 100M-parameter classifiers are checked in the slow test)
    a_idx = [0, 3, 6, 8, 11, 13, 16, 18]
    assert list(make_layers(CFGS["A"]).state_dict()) == [k[1:] for k in _wb("", a_idx)]
    d = make_layers(CFGS["D"])
    conv_idx = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
    assert list(d.state_dict()) == [k[1:] for k in _wb("", conv_idx)]
    assert _count(d) == 14_714_688  # VGG-16's convolutions
    small = nn.models.alexnet(num_classes=10, small_input=True)
    assert list(small.state_dict()) == _wb("features", [0, 3, 6, 8, 10]) + \
        _wb("classifier", [1, 4, 6])


@pytest.mark.slow
def test_full_size_vgg_and_alexnet_documented_counts():
    alex = nn.models.alexnet()
    assert list(alex.state_dict()) == _wb("features", [0, 3, 6, 8, 10]) + \
        _wb("classifier", [1, 4, 6])
    assert _count(alex) == 61_100_840
    del alex
    v11 = nn.models.vgg11()
    assert list(v11.state_dict()) == _wb("features", [0, 3, 6, 8, 11, 13, 16, 18]) + \
        _wb("classifier", [0, 3, 6])
    assert _count(v11) == 132_863_336
    del v11
    v16 = nn.models.vgg16()
    conv_idx = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
    assert list(v16.state_dict()) == _wb("features", conv_idx) + _wb("classifier", [0, 3, 6])
    assert _count(v16) == 138_357_544


def test_forward_shapes_and_training_step():
    ag.manual_seed(0)
    x = ag.randn(2, 3, 32, 32)
    model = nn.models.resnet18(num_classes=10, small_input=True)
    out = model(x)
    assert out.shape == (2, 10)
    nn.functional.cross_entropy(out, ag.tensor([1, 2])).backward()
    assert model.conv1.weight.grad is not None and model.fc.bias.grad.shape == (10,)
    g = nn.models.googlenet(num_classes=10, small_input=True)
    outs = g(ag.randn(2, 3, 32, 32))
    assert type(outs).__name__ == "GoogLeNetOutputs" and outs.aux_logits1.shape == (2, 10)
    assert g.eval()(ag.randn(1, 3, 32, 32)).shape == (1, 10)
    lenet = nn.models.lenet(activation="sigmoid", pool="avg")
    assert lenet(ag.randn(3, 1, 28, 28)).shape == (3, 10) and _count(lenet) == 61_706
    alex = nn.models.alexnet(num_classes=10, small_input=True, local_response_norm=True)
    assert isinstance(alex.features[2], nn.LocalResponseNorm)
    assert alex.eval()(ag.randn(1, 3, 32, 32)).shape == (1, 10)


def test_local_response_norm_matches_torch_and_gradcheck():
    x = ag.tensor(np.random.default_rng(0).standard_normal((2, 6, 3, 3)), requires_grad=True)
    assert ag.gradcheck(lambda x: nn.functional.local_response_norm(x, 3, 0.1, 0.75, 2.0), (x,))
    torch = pytest.importorskip("torch")
    ours = nn.LocalResponseNorm(5, 1e-2, 0.75, 2.0)(x)
    theirs = torch.nn.LocalResponseNorm(5, 1e-2, 0.75, 2.0)(torch.tensor(x.numpy()))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)


@pytest.mark.parametrize("build", [nn.models.resnet18, nn.models.resnet34, nn.models.vgg11,
                                   nn.models.vgg16, nn.models.alexnet, nn.models.googlenet,
                                   nn.models.lenet])
def test_pretrained_weights_are_a_clear_error(build):
    with pytest.raises(RuntimeError, match="offline"):
        build(weights="IMAGENET1K_V1")
    with pytest.raises(RuntimeError, match="weights=None"):
        build(pretrained=True)


def test_resnet18_forward_matches_a_torch_model_with_torchvision_layout():
    """torchvision is not installed: rebuild its ResNet-18 forward in torch (its documented
    BasicBlock) and load our state dict into it, key for key."""
    torch = pytest.importorskip("torch")
    tnn = torch.nn

    class Block(tnn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = tnn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = tnn.BatchNorm2d(cout)
            self.relu = tnn.ReLU(inplace=True)
            self.conv2 = tnn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = tnn.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = tnn.Sequential(tnn.Conv2d(cin, cout, 1, stride, bias=False),
                                                 tnn.BatchNorm2d(cout))

        def forward(self, x):
            idt = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(out)) + idt)

    class TorchResNet18(tnn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = tnn.Conv2d(3, 64, 7, 2, 3, bias=False)
            self.bn1 = tnn.BatchNorm2d(64)
            self.relu = tnn.ReLU(inplace=True)
            self.maxpool = tnn.MaxPool2d(3, 2, 1)
            widths, cin = [64, 128, 256, 512], 64
            for i, w in enumerate(widths, start=1):
                stride = 1 if i == 1 else 2
                setattr(self, f"layer{i}", tnn.Sequential(Block(cin, w, stride), Block(w, w, 1)))
                cin = w
            self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
            self.fc = tnn.Linear(512, 1000)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    ag.manual_seed(0)
    ours = nn.models.resnet18().double()
    ours.train()
    ours(ag.randn(4, 3, 64, 64).double())  # move the running statistics off their defaults
    theirs = TorchResNet18().double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(0).standard_normal((2, 3, 64, 64))
    np.testing.assert_allclose(ours(ag.tensor(x)).numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), atol=1e-9)
