#!/usr/bin/env python3
"""Golden values for the linalg / nn tests (tests/linalg, tests/nn), computed with NumPy in float64.

Writes nn_golden.txt: one array per line, `name dtype shape values...`, where shape is
comma-separated (`-` for 0-d) and values are repr()s, so the C++ side parses it without a .npy
loader. Inputs are deterministic (sin of an arange), so the file is reproducible:
    python3 tests/golden/make_golden_nn.py   (rewrites tests/golden/nn_golden.txt)
"""
import os
import numpy as np

OUT = []


def put(name, a, dtype=None):
    a = np.asarray(a)
    dt = dtype or ("int64" if a.dtype.kind in "iu" else "bool" if a.dtype.kind == "b" else "float64")
    shape = ",".join(str(s) for s in a.shape) or "-"
    vals = " ".join(repr(float(v)) if dt.startswith("float") else str(int(v)) for v in a.ravel())
    OUT.append(f"{name} {dt} {shape} {vals}".rstrip())


def data(*shape, seed=0.0, scale=3.0):
    n = int(np.prod(shape))
    return (np.sin(np.arange(n) * 0.7 + seed) * scale).reshape(shape)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# --- the tutorial ----------------------------------------------------------------------------
t1, t2 = np.array([0.2, 0.5, 0.8]), np.array([0.3, 0.6, 0.7])
put("tutorial_cos", np.dot(t1, t2) / (np.linalg.norm(t1) * np.linalg.norm(t2)))
emb = data(6, 8, seed=1.0) + 2.0
put("bn_in", emb)
put("bn_out", (emb - emb.mean(axis=1, keepdims=True)) / emb.std(axis=1, keepdims=True))
put("bn_out_axis0", (emb - emb.mean(axis=0, keepdims=True)) / emb.std(axis=0, keepdims=True))
put("l2_out", emb / np.linalg.norm(emb, axis=1, keepdims=True))
query = np.array([1.0, 0.5, 0.2])
keys = np.array([[1.0, 0.3, 0.1], [0.5, 0.9, 0.4], [0.2, 0.1, 0.8]])
scores = np.dot(keys, query)
put("attn_scores", scores)
put("attn_weights", np.exp(scores) / np.sum(np.exp(scores)))
# Exercise 1: 5x5 rows standardised; exercise 2: distances, similarity, nearest.
ex1 = data(5, 5, seed=0.3)
put("ex1_in", ex1)
put("ex1_out", (ex1 - ex1.mean(axis=1, keepdims=True)) / ex1.std(axis=1, keepdims=True))
u, v = data(4, seed=0.1), data(4, seed=2.0)
put("ex2_u", u)
put("ex2_v", v)
put("ex2_dist", np.linalg.norm(u - v))
put("ex2_cos", np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
vecs = data(7, 4, seed=0.5)
sims = vecs @ u / (np.linalg.norm(vecs, axis=1) * np.linalg.norm(u))
put("ex2_vectors", vecs)
put("ex2_sims", sims)
put("ex2_nearest", np.argmax(sims))

# nearest: 40 queries over 300 corpus rows, brute force in float64; rows 150 and 299 repeat row
# 17 and query 0 is 2 x row 17, so its cosine and dot ranks hold exact ties (lower index first).
corpus = data(300, 20, seed=0.8)
corpus[150] = corpus[17]
corpus[299] = corpus[17]
queries = data(40, 20, seed=2.3)
queries[0] = 2 * corpus[17]
put("nn_corpus", corpus)
put("nn_queries", queries)
cos = (queries @ corpus.T) / np.outer(np.linalg.norm(queries, axis=1), np.linalg.norm(corpus, axis=1))
dot = queries @ corpus.T
l2 = np.sqrt(((queries[:, None, :] - corpus[None, :, :]) ** 2).sum(axis=2))
for name, s, largest in (("cosine", cos, True), ("dot", dot, True), ("l2", l2, False)):
    order = np.argsort(-s if largest else s, axis=1, kind="stable")[:, :7]
    put(f"nn_{name}_idx", order)
    put(f"nn_{name}_val", np.take_along_axis(s, order, axis=1))

# --- matmul / dot / outer --------------------------------------------------------------------
A, B = data(2, 3, seed=0.2), data(3, 4, seed=1.1)
put("mm_a", A)
put("mm_b", B)
put("mm_ab", A @ B)
put("mm_bt_b", B.T @ B)
put("mm_vec_b", A[0] @ B)
put("mm_a_vec", A @ B[:, 0])
put("mm_vec_vec", A[0] @ B[:, 1])
X, Y = data(2, 1, 3, 4, seed=0.4), data(3, 4, 5, seed=0.9)
put("mm_bx", X)
put("mm_by", Y)
put("mm_bxy", X @ Y)
Xl, Yl = data(33, 70, seed=0.6), data(70, 31, seed=1.7)
put("mm_lx", Xl)
put("mm_ly", Yl)
put("mm_lxy", Xl @ Yl)
Ai, Bi = np.arange(12).reshape(3, 4) - 5, np.arange(8).reshape(4, 2) * 3 - 7
put("mm_ia", Ai)
put("mm_ib", Bi)
put("mm_iab", Ai @ Bi)
D3a, D3b = data(2, 3, 4, seed=0.8), data(5, 4, 2, seed=1.3)
put("dot3_a", D3a)
put("dot3_b", D3b)
put("dot3_ab", np.dot(D3a, D3b))
put("outer_ab", np.outer(A[0], B[1]))

# --- softmax family --------------------------------------------------------------------------
S = data(3, 37, seed=0.7, scale=20.0)
put("sm_in", S)
put("sm_last", softmax(S, 1))
put("sm_axis0", softmax(S, 0))
put("lsm_last", np.log(softmax(S, 1)))

# --- distances ---------------------------------------------------------------------------------
P, Q = data(4, 5, seed=0.25), data(6, 5, seed=2.5)
put("cd_p", P)
put("cd_q", Q)
put("cd_pq", np.sqrt(((P[:, None, :] - Q[None, :, :]) ** 2).sum(-1)))
put("cos_pq", (P @ Q.T) / np.outer(np.linalg.norm(P, axis=1), np.linalg.norm(Q, axis=1)))

# --- attention over (H, S, d) with a causal variant ---------------------------------------------
H, Sq, dk = 2, 5, 3
Qa, Ka, Va = data(H, Sq, dk, seed=0.1), data(H, Sq, dk, seed=1.4), data(H, Sq, 4, seed=2.2)
put("at_q", Qa)
put("at_k", Ka)
put("at_v", Va)
sc = Qa @ Ka.transpose(0, 2, 1) / np.sqrt(dk)
put("at_out", softmax(sc, -1) @ Va)
mask = np.triu(np.ones((Sq, Sq), bool), 1)
put("at_causal", softmax(np.where(mask, -np.inf, sc), -1) @ Va)

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_golden.txt"), "w") as f:
    f.write(f"# generated by make_golden_nn.py with numpy {np.__version__}\n")
    f.write("\n".join(OUT) + "\n")
