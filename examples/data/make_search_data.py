#!/usr/bin/env python3
"""Makes the small corpus that tests examples/semantic_search against NumPy:
corpus.npy (500 x 64 float32 "embeddings"), queries.npy (4 x 64: three noisy copies of corpus
rows 7, 123 and 480, and one random vector), and NumPy's answer: expected_ids.npy (int64, 4 x 5)
and expected_scores.npy (float32, 4 x 5), the top-5 cosine similarities, best first.

    python3 examples/data/make_search_data.py    (writes next to this script)
"""
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2024)
corpus = rng.standard_normal((500, 64)).astype(np.float32)
queries = np.stack([corpus[7] + 0.3 * rng.standard_normal(64),
                    corpus[123] + 0.3 * rng.standard_normal(64),
                    corpus[480] + 0.3 * rng.standard_normal(64),
                    rng.standard_normal(64)]).astype(np.float32)

# The tutorial's recipe: normalise, dot products, top-k.
cn = corpus / np.linalg.norm(corpus, axis=1, keepdims=True)
qn = queries / np.linalg.norm(queries, axis=1, keepdims=True)
scores = qn @ cn.T
ids = np.argsort(-scores, axis=1, kind="stable")[:, :5]
top = np.take_along_axis(scores, ids, axis=1)
# The test compares ids exactly: make sure no two neighbours are near-ties.
gaps = np.diff(np.sort(scores, axis=1)[:, ::-1][:, :6], axis=1)
assert np.abs(gaps).min() > 1e-4, "near-tie in the top 6: pick another seed"

np.save(os.path.join(here, "corpus.npy"), corpus)
np.save(os.path.join(here, "queries.npy"), queries)
np.save(os.path.join(here, "expected_ids.npy"), ids.astype(np.int64))
np.save(os.path.join(here, "expected_scores.npy"), top.astype(np.float32))
print(ids)
print(top)
