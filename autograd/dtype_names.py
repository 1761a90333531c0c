"""PyTorch's dtype names (``ag.tensor(x, dtype=ag.long)``); each is numpy's type.

Kept apart from dtypes.py because some of the names (float, int, bool) shadow builtins.
"""
import numpy as np

float16 = half = np.float16
float32 = float = np.float32  # noqa: A001  (PyTorch's name)
float64 = double = np.float64
complex64 = cfloat = np.complex64
complex128 = cdouble = np.complex128
uint8 = np.uint8
int8 = np.int8
int16 = short = np.int16
int32 = int = np.int32  # noqa: A001
int64 = long = np.int64
bool = np.bool_  # noqa: A001
