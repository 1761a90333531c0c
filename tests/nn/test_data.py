"""nn.data: DataLoader batching, seeded shuffling, collate, random_split, Subset."""
import numpy as np
import pytest

import autograd as ag
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
    assert out["y"].dtype == np.float64 and out["y"].tolist() == [1.5, 2.5]  # as PyTorch
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
    assert ds.tensors[0].array is x.array


# ---------------------------------------------------------------- torch.utils.data surface
import autograd.utils.data as aud  # noqa: E402
import nn.data  # noqa: E402


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_nn_data_reexports_the_engine_classes():
    for name in aud.__all__:
        assert getattr(nn.data, name) is getattr(aud, name), name


def _to_np(x):
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


# (name, batch, expected dtype, expected values)
COLLATE = [
    ("ints", [1, 2], np.int64, [1, 2]),
    ("int then float promotes", [1, 2.5], np.float32, [1.0, 2.5]),
    ("floats are double", [1.5, 2.5], np.float64, [1.5, 2.5]),
    ("float then int", [2.5, 1], np.float64, [2.5, 1.0]),
    ("bools", [True, False], np.bool_, [True, False]),
    ("numpy float32 scalars", [np.float32(1), np.float32(2)], np.float32, [1.0, 2.0]),
    ("numpy int32 scalars", [np.int32(3), np.int32(4)], np.int32, [3, 4]),
    ("arrays", [np.arange(3), np.arange(3) + 1], np.int64, [[0, 1, 2], [1, 2, 3]]),
    ("float32 arrays", [np.ones(2, np.float32), np.zeros(2, np.float32)], np.float32,
     [[1, 1], [0, 0]]),
]


@pytest.mark.parametrize("name,batch,dtype,values", COLLATE, ids=[c[0] for c in COLLATE])
def test_default_collate_promotes_as_pytorch(name, batch, dtype, values):
    out = aud.default_collate(batch)
    assert out.dtype == dtype and out.tolist() == values


@pytest.mark.parametrize("name,batch,dtype,values", COLLATE, ids=[c[0] for c in COLLATE])
def test_default_collate_matches_torch(torch, name, batch, dtype, values):
    from torch.utils.data import default_collate as tc
    ref = tc(batch)
    out = aud.default_collate(batch)
    assert str(ref.dtype).replace("torch.", "") == str(out.dtype).replace("bool_", "bool")
    np.testing.assert_array_equal(out.numpy(), ref.numpy())


def test_default_collate_structures_as_pytorch():
    from collections import namedtuple
    Point = namedtuple("Point", "x y")
    out = aud.default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(out, Point) and out.x.tolist() == [1, 3] and out.y.dtype == np.float64
    out = aud.default_collate([(1, "a"), (2, "b")])
    assert isinstance(out, list) and out[0].tolist() == [1, 2]  # a tuple sample gives a list
    assert list(out[1]) == ["a", "b"]
    out = aud.default_collate([[1, 2], [3, 4]])
    assert [o.tolist() for o in out] == [[1, 3], [2, 4]]  # transposed, as torch
    assert aud.default_collate(["a", "b"]) == ["a", "b"]
    with pytest.raises(TypeError, match="dtype <U1"):
        aud.default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="equal size"):
        aud.default_collate([np.ones(2), np.ones(3)])
    with pytest.raises(RuntimeError, match="same keys"):
        aud.default_collate([{"a": 1}, {"b": 1}])
    conv = aud.default_convert({"x": np.ones(2, np.float32), "n": 3, "s": "t"})
    assert isinstance(conv["x"], ag.Tensor) and conv["n"] == 3 and conv["s"] == "t"


def test_samplers():
    g = np.random.default_rng(0)
    assert list(aud.SequentialSampler(range(4))) == [0, 1, 2, 3]
    perm = list(aud.RandomSampler(range(6), generator=g))
    assert sorted(perm) == list(range(6)) and len(aud.RandomSampler(range(6))) == 6
    more = list(aud.RandomSampler(range(3), num_samples=7, generator=g))
    assert len(more) == 7 and sorted(more[:3]) == [0, 1, 2] and sorted(more[3:6]) == [0, 1, 2]
    rep = list(aud.RandomSampler(range(3), replacement=True, num_samples=50, generator=g))
    assert len(rep) == 50 and set(rep) == {0, 1, 2}
    sub = list(aud.SubsetRandomSampler([10, 20, 30], generator=g))
    assert sorted(sub) == [10, 20, 30]
    w = aud.WeightedRandomSampler([0.0, 1.0, 3.0], num_samples=4000, generator=g)
    counts = np.bincount(list(w), minlength=3)
    assert counts[0] == 0 and 2.6 < counts[2] / counts[1] < 3.4
    no_rep = list(aud.WeightedRandomSampler([1, 1, 0, 1], 3, replacement=False, generator=g))
    assert sorted(no_rep) == [0, 1, 3]
    assert list(aud.BatchSampler(aud.SequentialSampler(range(7)), 3, False)) == \
        [[0, 1, 2], [3, 4, 5], [6]]
    assert list(aud.BatchSampler([5, 4, 3, 2, 1], 2, True)) == [[5, 4], [3, 2]]
    assert len(aud.BatchSampler(range(7), 3, True)) == 2


def test_batch_sampler_matches_torch(torch):
    from torch.utils.data import BatchSampler, SequentialSampler
    for n, bs, drop in [(7, 3, False), (7, 3, True), (6, 3, True), (2, 5, False)]:
        ref = list(BatchSampler(SequentialSampler(range(n)), bs, drop))
        assert list(aud.BatchSampler(aud.SequentialSampler(range(n)), bs, drop)) == ref
        assert len(aud.BatchSampler(range(n), bs, drop)) == len(ref)


@pytest.mark.parametrize("call,err,match", [
    (lambda: aud.WeightedRandomSampler([1, -1], 2), ValueError, "non-negative"),
    (lambda: aud.WeightedRandomSampler([0, 0], 2), ValueError, "not all zero"),
    (lambda: aud.WeightedRandomSampler([1, 0], 2, replacement=False), ValueError,
     "without replacement"),
    (lambda: aud.WeightedRandomSampler([1, 1], 0), ValueError, "num_samples"),
    (lambda: aud.RandomSampler(range(3), num_samples=0), ValueError, "num_samples"),
    (lambda: aud.RandomSampler(range(3), generator=42), TypeError, "generator"),
    (lambda: aud.BatchSampler(range(3), 0, False), ValueError, "batch_size"),
    (lambda: aud.BatchSampler(range(3), 2, None), ValueError, "drop_last"),
])
def test_sampler_errors(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_loader_with_sampler_batch_sampler_and_no_batching():
    ds = _xy(6)
    dl = DataLoader(ds, batch_size=2, sampler=[5, 4, 3, 2, 1, 0])
    assert [b[1].tolist() for b in dl] == [[5, 4], [3, 2], [1, 0]]
    dl = DataLoader(ds, batch_sampler=[[0, 5], [1], [2, 3, 4]])
    assert [b[1].tolist() for b in dl] == [[0, 5], [1], [2, 3, 4]] and len(dl) == 3
    dl = DataLoader(ListDataset(3), batch_size=None)
    items = list(dl)
    assert len(dl) == 3 and isinstance(items[1][0], ag.Tensor) and items[1][1] == 1
    w = aud.WeightedRandomSampler([0, 0, 1, 0, 0, 0], 4)
    assert [b[1].tolist() for b in DataLoader(ds, batch_size=2, sampler=w)] == [[2, 2], [2, 2]]


class Stream(aud.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter([{"i": i, "x": np.full(2, i, np.float32)} for i in range(self.n)])

    def __len__(self):
        return self.n


def test_loader_with_iterable_dataset():
    out = list(DataLoader(Stream(5), batch_size=2))
    assert [b["i"].tolist() for b in out] == [[0, 1], [2, 3], [4]]
    assert out[0]["x"].shape == (2, 2)
    assert len(DataLoader(Stream(5), batch_size=2, drop_last=True)) == 2
    assert len(list(DataLoader(Stream(5), batch_size=2, drop_last=True))) == 2
    assert [b["i"] for b in DataLoader(Stream(2), batch_size=None)] == [0, 1]
    assert list(aud.ChainDataset([Stream(1), Stream(2)]))[2]["i"] == 1


LOADER_ERRORS = [
    (dict(sampler=[0, 1], shuffle=True), "mutually exclusive with shuffle"),
    (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], drop_last=True), "batch_sampler option is mutually exclusive"),
    (dict(batch_size=None, drop_last=True), "batch_size=None"),
    (dict(persistent_workers=True), "persistent_workers"),
    (dict(prefetch_factor=2), "prefetch_factor"),
    (dict(num_workers=-1), "num_workers"),
    (dict(timeout=-1), "timeout"),
]


@pytest.mark.parametrize("kwargs,match", LOADER_ERRORS)
def test_loader_option_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DataLoader(_xy(4), **kwargs)


@pytest.mark.parametrize("kwargs,match", LOADER_ERRORS)
def test_loader_option_errors_are_torchs(torch, kwargs, match):
    from torch.utils.data import DataLoader as TorchLoader
    from torch.utils.data import TensorDataset as TorchDataset
    with pytest.raises(ValueError, match=match):
        TorchLoader(TorchDataset(torch.arange(4)), **kwargs)


def test_iterable_dataset_refuses_shuffle_and_samplers():
    with pytest.raises(ValueError, match="shuffle"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="sampler"):
        DataLoader(Stream(3), sampler=[0])


def test_in_process_workers():
    assert aud.get_worker_info() is None
    dl = DataLoader(_xy(4), batch_size=2, num_workers=3, persistent_workers=True,
                    prefetch_factor=2, pin_memory=True, timeout=5, worker_init_fn=print)
    assert [b[1].tolist() for b in dl] == [[0, 1], [2, 3]]


class DuckRng:
    """Not a numpy Generator, but with its drawing methods (as autograd.Generator may be)."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def permutation(self, n):
        return self.rng.permutation(n)

    def integers(self, *a, **k):
        return self.rng.integers(*a, **k)

    def choice(self, *a, **k):
        return self.rng.choice(*a, **k)


class TorchStyleGenerator:
    """Shaped as autograd.Generator: seeded with manual_seed, drawing through numpy_generator."""

    def __init__(self):
        self.numpy_generator = np.random.default_rng()

    def manual_seed(self, seed):
        self.numpy_generator = np.random.default_rng(seed)
        return self


def test_torch_style_generator_is_read_at_each_draw():
    g = TorchStyleGenerator().manual_seed(7)
    dl = DataLoader(_xy(12), batch_size=12, shuffle=True, generator=g)
    first = _orders(dl, 1)
    g.manual_seed(7)  # reseeding the generator (which replaces its numpy generator) repeats
    assert _orders(dl, 1) == first
    assert _orders(DataLoader(_xy(12), batch_size=12, shuffle=True,
                              generator=np.random.default_rng(7)), 1) == first
    a = random_split(_xy(10), [0.5, 0.5], generator=TorchStyleGenerator().manual_seed(1))
    b = random_split(_xy(10), [0.5, 0.5], generator=TorchStyleGenerator().manual_seed(1))
    assert [p.indices.tolist() for p in a] == [p.indices.tolist() for p in b]


def test_generators_and_seed_for_split_and_loader():
    a = random_split(_xy(10), [3, 7], generator=np.random.default_rng(1))
    b = random_split(_xy(10), [3, 7], generator=DuckRng(1))
    assert [p.indices.tolist() for p in a] == [p.indices.tolist() for p in b]
    x = [y.tolist() for _, y in DataLoader(_xy(8), batch_size=8, shuffle=True,
                                           generator=DuckRng(4))]
    assert sorted(x[0]) == list(range(8)) and x[0] != list(range(8))
    with pytest.raises(TypeError, match="generator"):
        random_split(_xy(10), [3, 7], generator="seed")


@pytest.mark.filterwarnings("ignore:.*is 0")
@pytest.mark.parametrize("lengths", [[0.7, 0.3], [0.5, 0.25, 0.25], [0.33, 0.33, 0.34],
                                     [0.1] * 10, [3, 7]])
def test_random_split_lengths_match_torch(torch, lengths):
    from torch.utils.data import random_split as trs
    for n in (10, 11, 7):
        if sum(lengths) > 1 and sum(lengths) != n:
            continue
        ref = [len(p) for p in trs(range(n), lengths)]
        assert [len(p) for p in random_split(_xy(n), lengths, seed=0)] == ref


def test_random_split_warns_on_an_empty_part():
    with pytest.warns(UserWarning, match="index 1 is 0"):
        random_split(_xy(2), [0.9, 0.1], seed=0)


def test_torch_utils_data_through_the_porting_alias():
    import autograd as torch
    assert torch.utils.data is aud and torch.utils.data.DataLoader is DataLoader
    g = torch.Generator().manual_seed(3)
    a = [y.tolist() for _, y in torch.utils.data.DataLoader(_xy(9), batch_size=9, shuffle=True,
                                                            generator=g)]
    g.manual_seed(3)
    b = [y.tolist() for _, y in torch.utils.data.DataLoader(_xy(9), batch_size=9, shuffle=True,
                                                            generator=g)]
    assert a == b and sorted(a[0]) == list(range(9))
    parts = torch.utils.data.random_split(_xy(9), [0.5, 0.5],
                                          generator=torch.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [5, 4]


def test_getitems_fetches_a_batch_at_once():
    calls = []

    class Many(ListDataset):
        def __getitems__(self, indices):
            calls.append(list(indices))
            return [self[i] for i in indices]

    out = [y.tolist() for _, y in DataLoader(Many(5), batch_size=2)]
    assert out == [[0, 1], [2, 3], [4]] and calls == [[0, 1], [2, 3], [4]]


class DictSamples(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.full(2, i, np.float32), "y": i, "w": i / 2, "tag": f"s{i}"}


def _plain(batch):
    """A batch as nested plain values with dtype names, ours or torch's."""
    if hasattr(batch, "numpy"):
        arr = batch.detach().numpy() if hasattr(batch, "detach") else batch.numpy()
        return (str(arr.dtype), arr.tolist())
    if isinstance(batch, dict):
        return {k: _plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return [_plain(v) for v in batch]
    return batch


@pytest.mark.parametrize("kwargs", [dict(batch_size=2), dict(batch_size=2, drop_last=True),
                                    dict(batch_size=None), dict(batch_size=4)])
def test_loader_batches_match_torch(torch, kwargs):
    from torch.utils.data import DataLoader as TorchLoader
    for ds in (DictSamples(), ListDataset(5)):
        ours = [_plain(b) for b in DataLoader(ds, **kwargs)]
        ref = [_plain(b) for b in TorchLoader(ds, **kwargs)]
        assert ours == ref
