"""A word-level LSTM language model on a small generated corpus, reporting perplexity.

The corpus comes from a tiny seeded grammar (the same text on every run and engine), split
into train / valid / test. Embedding, dropout, a stacked LSTM, optional tied weights,
truncated back-propagation through time, gradient clipping and a hand-written SGD step.

    python examples/word_lm.py --epochs 3 --tied
"""
import argparse
import math
import random
import time

import torch
import torch.nn as nn

SUBJECTS = ["the cat", "the dog", "a bird", "my friend", "the teacher", "a child", "the farmer"]
VERBS = ["sees", "likes", "finds", "follows", "feeds", "watches", "calls"]
OBJECTS = ["the ball", "a fish", "the garden", "an apple", "the river", "a small house"]
ENDINGS = ["", " today", " again", " in the morning", " every day", " near the road"]


def generate_corpus(n_sentences, seed=0):
    """Sentences 'subject verb object [ending] .' from a fixed random generator."""
    rng = random.Random(seed)
    out = []
    for _ in range(n_sentences):
        s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        s += rng.choice(ENDINGS) + " ."
        if rng.random() < 0.3:
            s += f" then {rng.choice(SUBJECTS)} {rng.choice(VERBS)} it ."
        out.append(s)
    return out


class Dictionary:
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus:
    def __init__(self, n_sentences):
        self.dictionary = Dictionary()
        lines = generate_corpus(n_sentences)
        a, b = int(len(lines) * 0.8), int(len(lines) * 0.9)
        self.train = self.tokenize(lines[:a])
        self.valid = self.tokenize(lines[a:b])
        self.test = self.tokenize(lines[b:])

    def tokenize(self, lines):
        ids = []
        for line in lines:
            for word in line.split() + ["<eos>"]:
                ids.append(self.dictionary.add_word(word))
        return torch.tensor(ids, dtype=torch.int64)


class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.2, tie_weights=False):
        super().__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if nhid != ninp:
                raise ValueError("When using the tied flag, nhid must be equal to emsize")
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, tokens, hidden):
        emb = self.drop(self.encoder(tokens))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output).view(-1, self.ntoken)
        return nn.functional.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                weight.new_zeros(self.nlayers, bsz, self.nhid))


def batchify(data, bsz, device):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    return data.view(bsz, -1).t().contiguous().to(device)


def repackage_hidden(h):
    """Cut the graph between truncated segments."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


def get_batch(source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].reshape(-1)


def evaluate(model, criterion, data_source, args):
    model.eval()
    total_loss = 0.0
    hidden = model.init_hidden(args.eval_batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, args.bptt):
            data, targets = get_batch(data_source, i, args.bptt)
            output, hidden = model(data, hidden)
            hidden = repackage_hidden(hidden)
            total_loss += len(data) * criterion(output, targets).item()
    return total_loss / (len(data_source) - 1)


def train_epoch(model, criterion, train_data, lr, epoch, args):
    model.train()
    hidden = model.init_hidden(args.batch_size)
    start = time.time()
    for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
        data, targets = get_batch(train_data, i, args.bptt)
        hidden = repackage_hidden(hidden)
        model.zero_grad()
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
        print(f"epoch {epoch} step {batch} lr {lr:.2f} loss {loss.item():.4f} "
              f"ppl {math.exp(loss.item()):.2f} ms {1000 * (time.time() - start):.0f}")


def main():
    parser = argparse.ArgumentParser(description="word-level LSTM language model")
    parser.add_argument("--emsize", type=int, default=64)
    parser.add_argument("--nhid", type=int, default=64)
    parser.add_argument("--nlayers", type=int, default=2)
    parser.add_argument("--lr", type=float, default=20)
    parser.add_argument("--clip", type=float, default=0.25)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--eval-batch-size", type=int, default=10)
    parser.add_argument("--bptt", type=int, default=20)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--tied", action="store_true")
    parser.add_argument("--seed", type=int, default=1111)
    parser.add_argument("--limit", type=int, default=1500, help="number of sentences")
    parser.add_argument("--save", default=None)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device("cpu")
    corpus = Corpus(args.limit)
    train_data = batchify(corpus.train, args.batch_size, device)
    val_data = batchify(corpus.valid, args.eval_batch_size, device)
    test_data = batchify(corpus.test, args.eval_batch_size, device)
    ntokens = len(corpus.dictionary)
    print(f"vocabulary {ntokens} train_tokens {corpus.train.numel()}")

    model = RNNModel(ntokens, args.emsize, args.nhid, args.nlayers, args.dropout,
                     args.tied).to(device)
    criterion = nn.NLLLoss()
    lr = args.lr
    best_val_loss = None
    for epoch in range(1, args.epochs + 1):
        train_epoch(model, criterion, train_data, lr, epoch, args)
        val_loss = evaluate(model, criterion, val_data, args)
        print(f"epoch {epoch} val_loss {val_loss:.4f} val_ppl {math.exp(val_loss):.2f}")
        if best_val_loss is None or val_loss < best_val_loss:
            best_val_loss = val_loss
            if args.save:
                with open(args.save, "wb") as f:
                    torch.save(model.state_dict(), f)
        else:
            lr /= 4.0
    test_loss = evaluate(model, criterion, test_data, args)
    print(f"test_loss {test_loss:.4f}")
    print(f"test_ppl {math.exp(test_loss):.2f}")


if __name__ == "__main__":
    main()
