"""Writes packages/clustering/src/fixtures/sklearn-agglomerative.json: seeded clustered unit
vectors (float32) and scikit-learn's average-linkage cosine labels at a few thresholds, which the
agglomerative strategy's test must reproduce. CI never runs this; it runs the committed fixture.

Run with Debian's scikit-learn: /usr/bin/python3 scripts/make-sklearn-fixture.py
"""

import base64
import json
import pathlib

import numpy as np
import sklearn
from sklearn.cluster import AgglomerativeClustering

SEED = 20240611
D = 64
GROUP_SIZES = [40, 35, 30, 28, 25, 22, 20, 18, 15, 12, 10, 8]
SPREADS = [0.35, 0.5, 0.6, 0.45, 0.8, 0.55, 0.7, 0.4, 0.9, 0.65, 0.5, 0.75]
NOISE = 80
SIM_THRESHOLDS = [0.4, 0.55, 0.7]
# Merge distances this close to a threshold would make float32 vs float64 rounding decide the cut.
MIN_GAP = 1e-4

OUT = pathlib.Path(__file__).resolve().parent.parent / "packages/clustering/src/fixtures/sklearn-agglomerative.json"


def make_vectors(rng: np.random.Generator) -> np.ndarray:
    rows = []
    for size, spread in zip(GROUP_SIZES, SPREADS):
        center = rng.normal(size=D)
        center /= np.linalg.norm(center)
        rows.append(center + spread * rng.normal(size=(size, D)) / np.sqrt(D))
    rows.append(rng.normal(size=(NOISE, D)))
    x = np.concatenate(rows)
    x = x[rng.permutation(len(x))]
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    # Normalize again in float32 so the stored rows are as unit-length as float32 allows.
    return x / np.linalg.norm(x, axis=1, keepdims=True).astype(np.float32)


def main() -> None:
    rng = np.random.default_rng(SEED)
    x = make_vectors(rng)
    full = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=0.0, compute_distances=True
    ).fit(x)
    cases = []
    for sim in SIM_THRESHOLDS:
        threshold = 1 - sim
        gap = float(np.min(np.abs(full.distances_ - threshold)))
        assert gap > MIN_GAP, f"a merge distance is within {gap} of {threshold}: change the seed"
        model = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
        ).fit(x)
        labels = ",".join(str(label) for label in model.labels_.tolist())
        cases.append({"simThreshold": sim, "clusters": int(model.n_clusters_), "labels": labels})
        print(f"sim {sim}: {model.n_clusters_} clusters, nearest merge distance {gap:.2e} from the cut")
    fixture = {
        "generator": "scripts/make-sklearn-fixture.py",
        "sklearn": sklearn.__version__,
        "seed": SEED,
        "n": int(x.shape[0]),
        "d": D,
        "vectorsFloat32LeBase64": base64.b64encode(x.astype("<f4").tobytes()).decode("ascii"),
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # Scalars and strings only, indented as Biome formats JSON, so the formatter leaves it alone.
    OUT.write_text(json.dumps(fixture, indent=2) + "\n")
    print(f"wrote {OUT} ({x.shape[0]} vectors, d = {D})")


if __name__ == "__main__":
    main()
