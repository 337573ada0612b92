"""The main job's CPU peers beside NumPy (PyTorch's CPU peer is compare_frameworks.Torch): JAX,
numexpr, FAISS and scikit-learn, each timed on the workloads it has a spelling for, with the same
setup(family, shape, rand) -> call interface as compare_frameworks.py's frameworks. All of them
return finished work from each call (as ndgpu's CPU calls), so latency and throughput are one
measurement. scripts/install_peers.sh installs them into .venv-peers/; a peer whose package is
missing is left out.
"""
import os

ELEMENTWISE = ("add", "mul", "square", "sqrt", "exp", "log")
ROW_OPS = ("add_row", "zscore", "l2norm", "sum_rows", "mean_rows", "max_rows", "argmax_rows",
           "std_rows", "sum_all", "softmax")


def cores():
    return len(os.sched_getaffinity(0))


def blas_info(*dirs):
    """threadpoolctl's BLAS / OpenMP libraries loaded from these wheel folders, in one line."""
    import threadpoolctl
    libs = [p for p in threadpoolctl.threadpool_info() if any(f"/{d}/" in p.get("filepath", "") for d in dirs)]
    return ", ".join(" ".join(str(v) for v in (p["internal_api"], p.get("version"), p.get("architecture"),
                                              p["num_threads"]) if v) + " threads" for p in libs)


class Jax:
    name = "jax"
    synchronous = True  # each call blocks on its result (below)

    def __init__(self, jax):
        self.jax = jax

    def sync(self):
        pass

    def setup(self, family, shape, rand):
        jax, jnp, lax = self.jax, self.jax.numpy, self.jax.lax
        put = lambda *s: jax.device_put(rand(*s))
        if family in ELEMENTWISE:
            f = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "square": lambda a, b: a ** 2,
                 "sqrt": lambda a, b: jnp.sqrt(a), "exp": lambda a, b: jnp.exp(a),
                 "log": lambda a, b: jnp.log(a)}[family]
            args = put(shape[0]), put(shape[0])
        elif family in ROW_OPS:
            norm = lambda X: jnp.linalg.norm(X, axis=1, keepdims=True)
            f = {"add_row": lambda X, r: X + r,
                 "zscore": lambda X, r: (X - X.mean(1, keepdims=True)) / X.std(1, keepdims=True),
                 "l2norm": lambda X, r: X / norm(X), "sum_rows": lambda X, r: X.sum(1),
                 "mean_rows": lambda X, r: X.mean(1), "max_rows": lambda X, r: X.max(1),
                 "argmax_rows": lambda X, r: X.argmax(1), "std_rows": lambda X, r: X.std(1),
                 "sum_all": lambda X, r: X.sum(), "softmax": lambda X, r: jax.nn.softmax(X, -1)}[family]
            args = put(*shape), put(shape[1])
        elif family == "cosine_topk":  # norms computed in the call, as nd::nearest
            nq, n, d = shape
            f = lambda D, Q: lax.top_k((Q @ D.T) / (jnp.linalg.norm(Q, axis=1, keepdims=True)
                                                   * jnp.linalg.norm(D, axis=1)), 10)
            args = put(n, d), put(nq, d)
        elif family == "topk":
            f, args = (lambda S: lax.top_k(S, 10)), (put(*shape),)
        elif family in ("attention", "attention_causal"):
            h, s, d = shape
            later = jnp.triu(jnp.ones((s, s), dtype=bool), 1) if family == "attention_causal" else False
            f = lambda Q, K, V: jax.nn.softmax(jnp.where(later, -jnp.inf, Q @ K.transpose(0, 2, 1) * (1.0 / d ** 0.5)), -1) @ V
            args = put(h, s, d), put(h, s, d), put(h, s, d)
        elif family == "matmul":
            f, args = (lambda A, B: A @ B), (put(shape[0], shape[0]), put(shape[0], shape[0]))
        elif family == "kmeans":
            n, d, k = shape
            f, args = self.kmeans(k), (put(n, d),)
        else:
            return None
        f = jax.jit(f)  # inputs as arguments, not captured: XLA would fold a constant input away
        # Blocking in each call keeps JAX's asynchronous dispatch from queueing up to 64 results
        # (gigabytes) in throughput mode; on the CPU it costs microseconds.
        return lambda: jax.block_until_ready(f(*args))

    def kmeans(self, k):  # Lloyd, first k rows as the initial centroids, 10 steps (as NumPy's)
        jax, jnp = self.jax, self.jax.numpy

        def step(_, state):
            X, C, _labels = state
            labels = ((C * C).sum(1) - 2 * X @ C.T).argmin(1)  # |x|^2 does not change the argmin
            sums = jax.ops.segment_sum(X, labels, k)
            counts = jax.ops.segment_sum(jnp.ones(X.shape[0], X.dtype), labels, k)[:, None]
            return X, jnp.where(counts > 0, sums / jnp.maximum(counts, 1), C), labels

        def km(X):
            _, C, labels = jax.lax.fori_loop(0, 10, step, (X, X[:k], jnp.zeros(X.shape[0], jnp.int32)))
            return C, labels
        return km

    def describe(self):
        import jaxlib
        return (f"JAX {self.jax.__version__} (jaxlib {jaxlib.__version__}), jax.jit on "
                f"{self.jax.devices()[0].platform.upper()}, float32, XLA's own thread pool")


class NumExpr:
    """The elementwise part of each workload in one numexpr pass; NumPy's reductions where a
    row statistic is needed (numexpr reduces only as the outermost operation, single-threaded)."""
    name = "numexpr"
    synchronous = True

    def __init__(self, ne):
        self.ne = ne
        ne.set_num_threads(cores())

    def sync(self):
        pass

    def setup(self, family, shape, rand):
        ev = self.ne.evaluate
        if family in ELEMENTWISE:
            a, b = rand(shape[0]), rand(shape[0])
            expr = {"add": "a + b", "mul": "a * b", "square": "a ** 2", "sqrt": "sqrt(a)",
                    "exp": "exp(a)", "log": "log(a)"}[family]
            return lambda: ev(expr, local_dict={"a": a, "b": b})
        if family not in ("add_row", "zscore", "l2norm", "softmax"):
            return None
        X, r = rand(*shape), rand(shape[1])
        if family == "add_row":
            return lambda: ev("X + r", local_dict={"X": X, "r": r})
        if family == "zscore":
            return lambda: ev("(X - m) / s", local_dict={"X": X, "m": X.mean(1, keepdims=True),
                                                         "s": X.std(1, keepdims=True)})
        if family == "l2norm":
            return lambda: ev("X / sqrt(n)", local_dict={"X": X, "n": (X * X).sum(1, keepdims=True)})

        def softmax():
            e = ev("exp(X - m)", local_dict={"X": X, "m": X.max(1, keepdims=True)})
            return ev("e / s", local_dict={"e": e, "s": e.sum(1, keepdims=True)})
        return softmax

    def describe(self):
        ne = self.ne
        return f"numexpr {ne.__version__}, {ne.get_num_threads()} threads, VML {'on' if ne.use_vml else 'off'}"


class Faiss:
    """Cosine top-10 with IndexFlatIP over L2-normalised vectors (FAISS's cosine recipe).

    "faiss" is the like-for-like of ndgpu's workload: nd::nearest gets raw documents and computes
    their norms in every call, so each FAISS call normalises the documents (in place: idempotent,
    same cost every call), adds them to a fresh index (FAISS copies them in) and searches.
    "faiss-search" is FAISS as usually deployed: the index built once, outside the timing, each
    call normalising the queries and searching. It skips the per-call document pass that ndgpu
    does, so it is reported beside the others but not taken as the best peer.
    """
    synchronous = True

    def __init__(self, faiss, search_only):
        self.faiss, self.search_only = faiss, search_only
        self.name = "faiss-search" if search_only else "faiss"
        faiss.omp_set_num_threads(cores())

    def sync(self):
        pass

    def setup(self, family, shape, rand):
        if family != "cosine_topk":
            return None
        faiss = self.faiss
        nq, n, d = shape
        D, Q = rand(n, d), rand(nq, d)

        def build():
            faiss.normalize_L2(D)
            index = faiss.IndexFlatIP(d)
            index.add(D)
            return index
        built = build() if self.search_only else None

        def call():
            faiss.normalize_L2(Q)
            return (built if built is not None else build()).search(Q, 10)
        return call

    def describe(self):
        f = self.faiss
        return (f"FAISS {f.__version__} ({f.get_compile_options().strip()}), IndexFlatIP, "
                + ("index built once" if self.search_only else "normalise + add + search per call")
                + f"; {blas_info('faiss_cpu.libs')}")


class SKLearn:
    name = "sklearn"
    synchronous = True

    def __init__(self, cluster):
        self.KMeans = cluster.KMeans

    def sync(self):
        pass

    def setup(self, family, shape, rand):
        if family != "kmeans":
            return None
        n, d, k = shape
        X = rand(n, d)

        def fit():  # as NumPy's Lloyd: first k rows as init, 10 steps (fewer where labels settle)
            m = self.KMeans(n_clusters=k, init=X[:k], n_init=1, max_iter=10, tol=0, algorithm="lloyd").fit(X)
            return m.cluster_centers_, m.labels_
        return fit

    def describe(self):
        import sklearn
        return f"scikit-learn {sklearn.__version__} KMeans (lloyd), {blas_info('scikit_learn.libs', 'scipy.libs')}"


def load(only):
    """The peers named in `only` whose packages import, each set to use every core."""
    out = []
    if "jax" in only:
        try:
            os.environ.setdefault("JAX_PLATFORMS", "cpu")
            import jax
            out.append(Jax(jax))
        except ImportError:
            pass
    if "numexpr" in only:
        try:
            import numexpr
            out.append(NumExpr(numexpr))
        except ImportError:
            pass
    for name in ("faiss", "faiss-search"):
        if name in only:
            try:
                import faiss
                out.append(Faiss(faiss, search_only=name == "faiss-search"))
            except ImportError:
                pass
    if "sklearn" in only:
        try:
            from sklearn import cluster
            out.append(SKLearn(cluster))
        except ImportError:
            pass
    return out
