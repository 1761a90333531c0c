"""A convolutional network on MNIST digits, trained with Adadelta and a StepLR schedule.

Written as a PyTorch user writes it. With the IDX files of MNIST under ``--data``
(``<data>/MNIST/raw/train-images-idx3-ubyte`` ...) it reads them through
``torchvision.datasets.MNIST``; without them it uses scikit-learn's bundled 8x8 digits,
scaled up to 28x28, so it runs offline.

    python examples/mnist_cnn.py --epochs 2 --limit 1000
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1)
        self.conv2 = nn.Conv2d(16, 32, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(32 * 12 * 12, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def digits_28x28():
    """sklearn's 8x8 digits, each pixel repeated 3x3 and padded to 28x28, scaled to [0, 1]."""
    from sklearn.datasets import load_digits
    d = load_digits()
    images = d.images.astype(np.float32) / 16.0
    images = np.kron(images, np.ones((3, 3), dtype=np.float32))
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = images[order], d.target[order]
    cut = len(images) * 4 // 5
    mean, std = 0.1307, 0.3081

    def as_set(x, y):
        x = torch.from_numpy((x[:, None] - mean) / std)
        return TensorDataset(x.float(), torch.from_numpy(y).long())
    return as_set(images[:cut], labels[:cut]), as_set(images[cut:], labels[cut:])


def load_data(root):
    raw = os.path.join(root, "MNIST", "raw")
    if os.path.exists(os.path.join(raw, "train-images-idx3-ubyte")) or \
            os.path.exists(os.path.join(raw, "train-images-idx3-ubyte.gz")):
        from torchvision import datasets, transforms
        transform = transforms.Compose([transforms.ToTensor(),
                                        transforms.Normalize((0.1307,), (0.3081,))])
        return (datasets.MNIST(root, train=True, download=False, transform=transform),
                datasets.MNIST(root, train=False, transform=transform))
    return digits_28x28()


def limited(dataset, n):
    if n is None or n >= len(dataset):
        return dataset
    return torch.utils.data.Subset(dataset, list(range(n)))


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print(f"epoch {epoch} step {batch_idx} loss {loss.item():.6f}")


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    accuracy = correct / len(test_loader.dataset)
    print(f"test_loss {test_loss:.6f}")
    print(f"accuracy {accuracy:.4f}")
    return accuracy


def main():
    parser = argparse.ArgumentParser(description="MNIST CNN")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--test-batch-size", type=int, default=500)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1.0)
    parser.add_argument("--gamma", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="use this many training samples")
    parser.add_argument("--log-interval", type=int, default=1)
    parser.add_argument("--data", default="data")
    parser.add_argument("--save-model", default=None, help="path for the state dict")
    args = parser.parse_args()

    use_cuda = torch.cuda.is_available()
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if use_cuda else "cpu")

    train_kwargs = {"batch_size": args.batch_size, "shuffle": True}
    test_kwargs = {"batch_size": args.test_batch_size}
    if use_cuda:
        cuda_kwargs = {"num_workers": 1, "pin_memory": True}
        train_kwargs.update(cuda_kwargs)
        test_kwargs.update(cuda_kwargs)

    train_set, test_set = load_data(args.data)
    train_set = limited(train_set, args.limit)
    train_loader = DataLoader(train_set, **train_kwargs)
    test_loader = DataLoader(test_set, **test_kwargs)

    model = Net().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        test(model, device, test_loader)
        scheduler.step()

    if args.save_model:
        torch.save(model.state_dict(), args.save_model)
        model.load_state_dict(torch.load(args.save_model, weights_only=True))
        print(f"saved {args.save_model}")


if __name__ == "__main__":
    main()
