"""gf.data: TensorFlow's tf.data input pipelines (sources, transformations, batching, shuffling,
prefetching), with map/filter/reduce functions traced once into compiled graphs.

`graphflow.data.v1` is what `gf.compat.v1.data` adds: graph iterators for Session.run.
"""
from types import ModuleType as _ModuleType

from . import readers as _readers
from .dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset, Iterator
from .graph_iterator import make_initializable_iterator, make_one_shot_iterator
from .options import Options
from .readers import TextLineDataset, TFRecordDataset
from .transform import DatasetSpec

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN

experimental = _ModuleType("graphflow.data.experimental")
experimental.__dict__.update(
    AUTOTUNE=AUTOTUNE, INFINITE_CARDINALITY=INFINITE, UNKNOWN_CARDINALITY=UNKNOWN,
    sample_from_datasets=Dataset.sample_from_datasets, choose_from_datasets=Dataset.choose_from_datasets,
    make_csv_dataset=_readers.make_csv_dataset, CsvDataset=_readers.CsvDataset,
    cardinality=lambda dataset: dataset.cardinality(),
    get_single_element=lambda dataset: dataset.get_single_element(),
    Counter=Dataset.counter,
    # transformations for Dataset.apply, as tf.data.experimental has them
    group_by_window=lambda key_func, reduce_func, window_size=None, window_size_func=None: (
        lambda dataset: dataset.group_by_window(key_func, reduce_func, window_size, window_size_func)),
    bucket_by_sequence_length=lambda *args, **kwargs: (
        lambda dataset: dataset.bucket_by_sequence_length(*args, **kwargs)),
    unique=lambda: (lambda dataset: dataset.unique()))

v1 = _ModuleType("graphflow.compat.v1.data")
v1.__dict__.update(Dataset=Dataset, Options=Options, TextLineDataset=TextLineDataset, TFRecordDataset=TFRecordDataset,
                   AUTOTUNE=AUTOTUNE,
                   experimental=experimental,
                   make_one_shot_iterator=make_one_shot_iterator,
                   make_initializable_iterator=make_initializable_iterator, Iterator=Iterator)

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset", "DatasetSpec", "Iterator",
           "Options", "TFRecordDataset", "TextLineDataset", "experimental", "v1"]
