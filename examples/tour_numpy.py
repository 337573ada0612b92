#!/usr/bin/env python3
"""The NumPy side of examples/tour.cpp: every snippet of the tutorial (seed/numpy_basics.md), in
order, printing each result. Its output is committed as tour_numpy.txt, and a test checks that
`tour` prints exactly the same text.

Two documented differences are applied here:
- ndgpu's default float is float32 (docs/design.md 4): NumPy computes the tutorial in float64, as
  written, and this script prints each float result rounded to float32 (`f32(...)`), i.e. the
  float32 values a correctly rounded float32 computation gives. ndgpu computes in float32, so a
  result can differ in its last float32 digit where rounding accumulates (the test,
  compare_transcript.py, accepts 2 float32 ulps on numbers; everything else must match exactly).
- Random values: the generators differ (ndgpu uses Philox), so for random arrays only
  deterministic facts are printed: shape, dtype, range, and properties of the normalised result.

    python3 examples/tour_numpy.py > examples/tour_numpy.txt
    python3 examples/tour_numpy.py --dtype float16 > examples/tour_numpy_float16.txt
    python3 examples/tour_numpy.py --dtype bfloat16 > examples/tour_numpy_bfloat16.txt  (ml_dtypes)
    PYTHONPATH=build/release/python python3 examples/tour_numpy.py --ndgpu   (ndgpu's Python module)

With --dtype, every float result is rounded to that dtype instead (`tour --dtype` makes its float
arrays that dtype), and the allclose checks take that dtype's tolerances (tour.cpp has the same).
"""
import sys

if "--ndgpu" in sys.argv:  # the same tour on ndgpu itself (python/; ctest python_tour)
    sys.argv.remove("--ndgpu")
    import ndgpu as np
else:
    import numpy as np

DTYPE = sys.argv[2] if len(sys.argv) == 3 and sys.argv[1] == "--dtype" else "float32"
if DTYPE == "bfloat16":
    from ml_dtypes import bfloat16 as F32
else:
    F32 = np.dtype(DTYPE).type
ATOL = {"float16": ("1e-2", "1e-2", "1e-2"), "bfloat16": ("1e-1", "1e-1", "1e-1")}.get(
    DTYPE, ("1e-5", "1e-4", "1e-5"))


def f32(x):
    """A float64 NumPy result at the tour's float dtype (ndgpu's default: float32)."""
    return np.asarray(x).astype(F32)


def show(code, value):
    print(f">>> {code}")
    print(value)


print("# 1. Array creation")
arr = np.array([1, 2, 3, 4, 5])
show("arr = np.array([1, 2, 3, 4, 5])", arr)
zeros = f32(np.zeros((3, 4)))
show("zeros = np.zeros((3, 4))", zeros)
ones = f32(np.ones((2, 3)))
show("ones = np.ones((2, 3))", ones)
identity = f32(np.eye(4))
show("identity = np.eye(4)", identity)
np.random.seed(0)
random = f32(np.random.rand(3, 3))
show("random = np.random.rand(3, 3)  # shape, dtype, all in [0, 1)",
     f"{random.shape} {random.dtype} {bool(((random >= 0) & (random < 1)).all())}")
sequence = np.arange(0, 10, 2)
show("sequence = np.arange(0, 10, 2)", sequence)
linspace = f32(np.linspace(0, 1, 5))
show("linspace = np.linspace(0, 1, 5)", linspace)

print("# 2. Array operations")
arr1 = np.array([1, 2, 3])
arr2 = np.array([4, 5, 6])
show("arr1 + arr2", arr1 + arr2)
show("arr1 * 2", arr1 * 2)
show("arr1 ** 2", arr1 ** 2)
show("np.sqrt(arr1)", f32(np.sqrt(arr1)))
show("np.exp(arr1)", f32(np.exp(arr1)))
show("np.log(arr1)", f32(np.log(arr1)))

print("# 3. Indexing and slicing")
arr = np.array([10, 20, 30, 40, 50])
show("arr[0]", arr[0])
show("arr[-1]", arr[-1])
show("arr[1:4]", arr[1:4])
show("arr[:3]", arr[:3])
show("arr[::2]", arr[::2])
matrix = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
show("matrix", matrix)
show("matrix[0, 1]", matrix[0, 1])
show("matrix[:, 1]", matrix[:, 1])
show("matrix[1, :]", matrix[1, :])

print("# 4. Broadcasting")
arr = np.array([1, 2, 3])
matrix = np.array([[1], [2], [3]])
show("arr + matrix", arr + matrix)
embeddings = np.random.rand(100, 768)
mean = embeddings.mean(axis=1, keepdims=True)
std = embeddings.std(axis=1, keepdims=True)
normalized = (embeddings - mean) / std
show("mean.shape, std.shape, normalized.shape", f"{mean.shape} {std.shape} {normalized.shape}")
show(f"np.allclose(normalized.mean(axis=1), 0, atol={ATOL[0]})",
     bool(np.allclose(normalized.mean(axis=1), 0, atol=float(ATOL[0]))))
show(f"np.allclose(normalized.std(axis=1), 1, atol={ATOL[1]})",
     bool(np.allclose(normalized.std(axis=1), 1, atol=float(ATOL[1]))))

print("# 5. Reshaping")
arr = np.arange(12)
show("arr = np.arange(12)", arr)
matrix = arr.reshape(3, 4)
show("matrix = arr.reshape(3, 4)", matrix)
cube = arr.reshape(2, 2, 3)
show("cube = arr.reshape(2, 2, 3)", cube)
flat = matrix.flatten()
show("flat = matrix.flatten()", flat)
transposed = matrix.T
show("transposed = matrix.T", transposed)

print("# Example 1: cosine similarity")
text1_embedding = np.array([0.2, 0.5, 0.8])
text2_embedding = np.array([0.3, 0.6, 0.7])


def cosine_similarity(a, b):
    return np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))


similarity = cosine_similarity(text1_embedding, text2_embedding)
print(f"Similarity: {float(f32(similarity)):.4f}")

print("# Example 2: batch processing")
batch_embeddings = np.random.rand(32, 768)
norms = np.linalg.norm(batch_embeddings, axis=1, keepdims=True)
normalized_batch = batch_embeddings / norms
show("norms.shape, normalized_batch.shape", f"{norms.shape} {normalized_batch.shape}")
show(f"np.allclose(np.linalg.norm(normalized_batch, axis=1), 1, atol={ATOL[2]})",
     bool(np.allclose(np.linalg.norm(normalized_batch, axis=1), 1, atol=float(ATOL[2]))))

print("# Example 3: attention scores")
query = np.array([1.0, 0.5, 0.2])
keys = np.array([
    [1.0, 0.3, 0.1],
    [0.5, 0.9, 0.4],
    [0.2, 0.1, 0.8]
])
scores = np.dot(keys, query)
attention_weights = np.exp(scores) / np.sum(np.exp(scores))
print(f"Attention weights: {f32(attention_weights)}")
