"""A small CNN with BatchNorm and channel dropout, SGD with momentum and weight decay, and a
one-cycle (or cosine) learning-rate schedule, on scikit-learn's 8x8 digits.

    python examples/cnn_bn_scheduler.py --epochs 4 --scheduler onecycle
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import CosineAnnealingLR, OneCycleLR
from torch.utils.data import DataLoader, TensorDataset


class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(inplace=True),
            nn.Conv2d(16, 32, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(32),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Dropout2d(0.1),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(32 * 4 * 4, 64),
            nn.BatchNorm1d(64),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(64, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def load_digits_tensors(limit=None):
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images.astype(np.float32) / 16.0 - 0.5) / 0.5
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], d.target[order]
    cut = len(x) * 4 // 5
    x_train, y_train, x_test, y_test = x[:cut], y[:cut], x[cut:], y[cut:]
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    as_t = torch.from_numpy
    return (as_t(x_train).unsqueeze(1), as_t(y_train).long(),
            as_t(x_test).unsqueeze(1), as_t(y_test).long())


def main():
    parser = argparse.ArgumentParser(description="CNN with BatchNorm and an LR schedule")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--weight-decay", type=float, default=5e-4)
    parser.add_argument("--scheduler", choices=["onecycle", "cosine"], default="onecycle")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--checkpoint", default=None, help="save here after each epoch")
    parser.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    parser.add_argument("--stop-after", type=int, default=None,
                        help="stop after this many epochs (to resume later)")
    parser.add_argument("--deterministic", action="store_true")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.backends.cudnn.benchmark = not args.deterministic
    if args.deterministic:
        torch.use_deterministic_algorithms(True)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x_train, y_train, x_test, y_test = load_digits_tensors(args.limit)
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size,
                              shuffle=True, drop_last=True)
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=128)

    model = SmallCNN().to(device)
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum,
                          weight_decay=args.weight_decay, nesterov=True)
    if args.scheduler == "onecycle":
        scheduler = OneCycleLR(optimizer, max_lr=args.lr, epochs=args.epochs,
                               steps_per_epoch=len(train_loader))
    else:
        scheduler = CosineAnnealingLR(optimizer, T_max=args.epochs * len(train_loader))

    step, start_epoch = 0, 0
    if args.resume:
        checkpoint = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
        model.load_state_dict(checkpoint["model_state_dict"])
        optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
        scheduler.load_state_dict(checkpoint["scheduler_state_dict"])
        start_epoch, step = checkpoint["epoch"] + 1, checkpoint["step"]
        print(f"resumed from epoch {checkpoint['epoch']} at lr {scheduler.get_last_lr()[0]:.5f}")
    for epoch in range(start_epoch, args.epochs):
        model.train()
        running = 0.0
        for inputs, targets in train_loader:
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(inputs), targets, label_smoothing=0.05)
            loss.backward()
            optimizer.step()
            scheduler.step()
            running += loss.item()
            print(f"step {step} lr {scheduler.get_last_lr()[0]:.5f} loss {loss.item():.6f}")
            step += 1

        model.eval()
        correct, total = 0, 0
        with torch.no_grad():
            for inputs, targets in test_loader:
                outputs = model(inputs.to(device))
                correct += (outputs.argmax(1) == targets).sum().item()
                total += targets.numel()
        print(f"epoch {epoch} train_loss {running / len(train_loader):.4f} "
              f"test_acc {correct / total:.4f}")
        if args.checkpoint:
            torch.save({"epoch": epoch, "step": step,
                        "model_state_dict": model.state_dict(),
                        "optimizer_state_dict": optimizer.state_dict(),
                        "scheduler_state_dict": scheduler.state_dict()}, args.checkpoint)
        if args.stop_after is not None and epoch + 1 >= args.stop_after:
            break
    print(f"accuracy {correct / total:.4f}")


if __name__ == "__main__":
    main()
