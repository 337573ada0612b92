#!/usr/bin/env python3
"""The NumPy side of examples/tour.cpp: every snippet of the tutorial (seed/numpy_basics.md), in
order, printing each result. Its output is committed as tour_numpy.txt, and a test checks that
`tour` prints exactly the same text.

Two documented differences are applied here, so that the comparison can be exact:
- ndgpu's default float dtype is float32 (DESIGN.md): where NumPy would make float64 (zeros,
  ones, eye, linspace, float literals, sqrt/exp/log of integers, ...), this script makes float32,
  so that both sides print float32 values the way NumPy prints them.
- Random values: the generators differ (ndgpu uses Philox), so for random arrays only
  deterministic facts are printed: shape, dtype, range, and properties of the normalised result.

    python3 examples/tour_numpy.py > examples/tour_numpy.txt
"""
import numpy as np

f32 = np.float32


def show(code, value):
    print(f">>> {code}")
    print(value)


print("# 1. Array creation")
arr = np.array([1, 2, 3, 4, 5])
show("arr = np.array([1, 2, 3, 4, 5])", arr)
zeros = np.zeros((3, 4), f32)
show("zeros = np.zeros((3, 4))", zeros)
ones = np.ones((2, 3), f32)
show("ones = np.ones((2, 3))", ones)
identity = np.eye(4, dtype=f32)
show("identity = np.eye(4)", identity)
np.random.seed(0)
random = np.random.rand(3, 3).astype(f32)
show("random = np.random.rand(3, 3)  # shape, dtype, all in [0, 1)",
     f"{random.shape} {random.dtype} {bool(((random >= 0) & (random < 1)).all())}")
sequence = np.arange(0, 10, 2)
show("sequence = np.arange(0, 10, 2)", sequence)
linspace = np.linspace(0, 1, 5, dtype=f32)
show("linspace = np.linspace(0, 1, 5)", linspace)

print("# 2. Array operations")
arr1 = np.array([1, 2, 3])
arr2 = np.array([4, 5, 6])
show("arr1 + arr2", arr1 + arr2)
show("arr1 * 2", arr1 * 2)
show("arr1 ** 2", arr1 ** 2)
show("np.sqrt(arr1)", np.sqrt(arr1.astype(f32)))
show("np.exp(arr1)", np.exp(arr1.astype(f32)))
show("np.log(arr1)", np.log(arr1.astype(f32)))

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
embeddings = np.random.rand(100, 768).astype(f32)
mean = embeddings.mean(axis=1, keepdims=True)
std = embeddings.std(axis=1, keepdims=True)
normalized = (embeddings - mean) / std
show("mean.shape, std.shape, normalized.shape", f"{mean.shape} {std.shape} {normalized.shape}")
show("np.allclose(normalized.mean(axis=1), 0, atol=1e-5)",
     bool(np.allclose(normalized.mean(axis=1), 0, atol=1e-5)))
show("np.allclose(normalized.std(axis=1), 1, atol=1e-4)",
     bool(np.allclose(normalized.std(axis=1), 1, atol=1e-4)))

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
text1_embedding = np.array([0.2, 0.5, 0.8], f32)
text2_embedding = np.array([0.3, 0.6, 0.7], f32)


def cosine_similarity(a, b):
    return np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))


similarity = cosine_similarity(text1_embedding, text2_embedding)
print(f"Similarity: {similarity:.4f}")

print("# Example 2: batch processing")
batch_embeddings = np.random.rand(32, 768).astype(f32)
norms = np.linalg.norm(batch_embeddings, axis=1, keepdims=True)
normalized_batch = batch_embeddings / norms
show("norms.shape, normalized_batch.shape", f"{norms.shape} {normalized_batch.shape}")
show("np.allclose(np.linalg.norm(normalized_batch, axis=1), 1, atol=1e-5)",
     bool(np.allclose(np.linalg.norm(normalized_batch, axis=1), 1, atol=1e-5)))

print("# Example 3: attention scores")
query = np.array([1.0, 0.5, 0.2], f32)
keys = np.array([[1.0, 0.3, 0.1], [0.5, 0.9, 0.4], [0.2, 0.1, 0.8]], f32)
scores = np.dot(keys, query)
attention_weights = np.exp(scores) / np.sum(np.exp(scores))
print(f"Attention weights: {attention_weights}")
