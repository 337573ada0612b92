"""ndgpu's Python module against NumPy: creation, printing, dtypes, operators, indexing,
reductions, errors, and zero-copy exchange with NumPy (and PyTorch when installed)."""
import numpy as np
import pytest

import ndgpu as nd


def same(got, want, rtol=0.0):
    """got (ndgpu) equals want (NumPy): shape, dtype name and values (within rtol for floats)."""
    assert isinstance(got, nd.ndarray)
    g = np.asarray(got)
    want = np.asarray(want)
    assert g.shape == want.shape and got.dtype == want.dtype.name, (g, want)
    if rtol:
        np.testing.assert_allclose(g, want, rtol=rtol)
    else:
        np.testing.assert_array_equal(g, want)


def test_creation_and_printing_match_numpy():
    cases = [(nd.arange(12).reshape(3, 4).T, np.arange(12).reshape(3, 4).T),
             (nd.array([1, 2, 3]), np.array([1, 2, 3])),
             (nd.zeros((2, 3)), np.zeros((2, 3), np.float32)),
             (nd.eye(3, dtype="int32"), np.eye(3, dtype=np.int32)),
             (nd.array([[True, False]]), np.array([[True, False]])),
             (nd.linspace(0, 1, 5), np.linspace(0, 1, 5, dtype=np.float32)),
             (nd.full((2,), 7), np.full((2,), 7))]
    for got, want in cases:
        same(got, want)
        assert str(got) == str(want)
        assert repr(got) == repr(want)


def test_python_data_takes_ndgpus_default_dtypes():
    assert nd.array([1.5, 2.0]).dtype == nd.float32  # the default float (NumPy: float64)
    assert nd.array([1, 2]).dtype == np.int64
    assert nd.array([True]).dtype == "bool"
    assert nd.array([1, 2], dtype=np.float64).dtype == nd.float64
    assert nd.asarray(np.arange(3.0)).dtype == nd.float64  # a NumPy array keeps its dtype
    assert nd.dtype("f4") is nd.float32 and nd.float32 == np.float32 and str(nd.int8) == "int8"
    for spelling in (nd.int32, np.int32, "int32", np.dtype("i4")):  # every dtype= spelling
        assert nd.zeros((2,), dtype=spelling).dtype == nd.int32
        assert nd.arange(3, dtype=spelling).dtype == nd.int32
        assert nd.ones(2).astype(spelling).dtype == nd.int32
    assert nd.full((2,), 1, dtype=float).dtype == nd.float64
    assert nd.float64(2.5).dtype == nd.float64 and float(nd.int8(-3)) == -3.0


def test_operators_reflected_and_in_place():
    a = np.arange(1, 13, dtype=np.float32).reshape(3, 4)
    b = np.arange(4, dtype=np.float32) + 0.5
    x, y = nd.asarray(a), nd.asarray(b)
    same(x + y, a + b)
    same(2 - x, 2 - a)
    same(x * 3, a * 3)
    same(1 / x, 1 / a)
    same(x // 2, a // 2)
    same(x % 5, a % 5)
    same(x ** 2, a ** 2)
    same(2 ** y, (2 ** b).astype(np.float32), rtol=1e-6)
    same(x @ x.T, a @ a.T)
    same(-x, -a)
    same(abs(-x), a)
    same(x > 6, a > 6)
    same(1 < x, 1 < a)
    same((x > 2) & (x < 9), (a > 2) & (a < 9))
    same(~(x > 2), ~(a > 2))
    i, j = np.array([12, -7, 255, 0], np.int32), np.array([10, 3, 1, 31], np.int32)
    u, v = nd.asarray(i), nd.asarray(j)
    same(u & v, i & j)
    same(u | 6, i | 6)
    same(3 ^ v, 3 ^ j)
    same(~u, ~i)
    same(u << v, i << j)
    same(-100 >> v, -100 >> j)
    with pytest.raises(TypeError, match="not supported for the input types"):
        x & x  # floats, as NumPy
    w = u.copy()
    w <<= 2
    w |= 1
    same(w, (i << 2) | 1)
    z = x.copy()
    view = z[1]
    z += y
    z *= 2
    same(z, (a + b) * 2)
    same(view, ((a + b) * 2)[1])  # in place: a view sees it


def test_indexing_and_assignment():
    a = np.arange(24).reshape(2, 3, 4)
    x = nd.asarray(a)
    for key in [0, -1, (1, 2), slice(1, None), (slice(None), 1), (Ellipsis, 2), (None, 0),
                (slice(None, None, -1), slice(0, 3, 2)), (0, Ellipsis, None)]:
        same(x[key], a[key])
    mask = a % 3 == 0
    same(x[nd.asarray(mask)], a[mask])
    same(x[[1, 0]], a[[1, 0]])
    y, b = x.copy(), a.copy()
    y[0, 1:] = 5
    b[0, 1:] = 5
    y[nd.asarray(b > 20)] = -1
    b[b > 20] = -1
    y[:, 0] = nd.asarray(np.array([7, 8, 9, 10]))
    b[:, 0] = [7, 8, 9, 10]
    same(y, b)
    assert int(x[1, 2, 3]) == 23 and float(x[0, 0, 1]) == 1.0 and x[1, 2].tolist() == [20, 21, 22, 23]
    assert len(x) == 2 and [int(v.sum()) for v in x] == [66, 210]


def test_reductions():
    a = np.random.default_rng(0).random((5, 7)).astype(np.float32)
    x = nd.asarray(a)
    for name in ["sum", "mean", "max", "min", "std", "var", "prod"]:
        for axis, keepdims in [(None, False), (0, False), (1, True), ((0, 1), True)]:
            got = getattr(x, name)(axis=axis, keepdims=keepdims)
            same(got, getattr(a, name)(axis=axis, keepdims=keepdims), rtol=1e-5)
    same(x.argmax(axis=1), a.argmax(axis=1))
    same(nd.argmin(x), a.argmin())
    assert bool((x > 0).all()) and not bool((x > 1).any())
    same(nd.linalg.norm(x, axis=1, keepdims=True), np.linalg.norm(a, axis=1, keepdims=True), rtol=1e-5)


def test_errors_keep_numpys_classes_and_words():
    with pytest.raises(ValueError, match="could not be broadcast"):
        nd.ones((2, 3)) + nd.ones((4,))
    with pytest.raises(IndexError):
        nd.arange(3)[5]
    with pytest.raises(IndexError):
        nd.ones((2, 2)).sum(axis=3)
    with pytest.raises(TypeError):
        nd.array([True]) - nd.array([False])
    with pytest.raises(OSError):
        nd.load("/nonexistent/ndgpu.npy")
    with pytest.raises(ValueError, match="ambiguous"):
        bool(nd.ones(3))


def test_zero_copy_with_numpy():
    x = nd.arange(6.0).reshape(2, 3)
    n = np.asarray(x)  # __array_interface__: NumPy views ndgpu's memory
    n[0, 0] = 42
    assert float(x[0, 0]) == 42
    a = np.zeros((2, 3), np.float32)
    v = nd.asarray(a)  # DLPack: ndgpu views NumPy's memory
    v[1] = 5
    assert a[1].tolist() == [5, 5, 5]
    w = np.from_dlpack(x)
    w[1, 2] = -1
    assert float(x[1, 2]) == -1
    same(nd.from_dlpack(np.arange(4)), np.arange(4))


def test_bfloat16_from_numpy_keeps_its_values():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    a = np.array([1.0, -2.5, 3.140625, 1e-3], dtype=ml_dtypes.bfloat16)
    x = nd.asarray(a)
    assert x.dtype == nd.bfloat16
    assert x.astype(nd.float32).tolist() == a.astype(np.float32).tolist()


def test_zero_copy_with_torch():
    torch = pytest.importorskip("torch")
    x = nd.arange(4.0)
    t = torch.from_dlpack(x)
    t[0] = 9
    assert float(x[0]) == 9
    y = nd.from_dlpack(torch.ones(3))
    y[2] = 4
    same(y, np.array([1, 1, 4], np.float32))


def test_search_and_row_ops_match_numpy():
    rng = np.random.default_rng(1)
    corpus = rng.random((50, 8)).astype(np.float32)
    q = corpus[[3, 17]] + 0.01
    idx, scores = nd.nearest(q, corpus, 3)
    cos = (q @ corpus.T) / np.linalg.norm(q, axis=1)[:, None] / np.linalg.norm(corpus, axis=1)
    same(idx, np.argsort(-cos, axis=1, kind="stable")[:, :3])
    same(scores, np.take_along_axis(cos, np.argsort(-cos, axis=1)[:, :3], 1), rtol=1e-5)
    e = np.exp(corpus - corpus.max(axis=1, keepdims=True))
    same(nd.softmax(corpus), e / e.sum(axis=1, keepdims=True), rtol=1e-5)
    values, indices = nd.topk(corpus[0], 2)
    same(indices, np.argsort(-corpus[0], kind="stable")[:2])
    centroids, labels, iterations, inertia = nd.kmeans(corpus, 3)
    assert centroids.shape == (3, 8) and labels.shape == (50,) and iterations >= 1 and inertia > 0


def test_every_function_of_the_extension_is_in_the_package():
    # (the op table's rows arrive through _core: an op added there must reach `ndgpu.<name>`)
    missing = [n for n in dir(nd._core) if not n.startswith("_") and not hasattr(nd, n)]
    assert not missing
    assert nd.bitwise_not is nd.invert and nd.abs is nd.absolute
