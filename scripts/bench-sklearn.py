"""Times scikit-learn's AgglomerativeClustering on the vectors `npm run bench:clustering` wrote and
compares its partitions (adjusted Rand index) and times with ours. Outside CI; run after the
TypeScript benchmark, with Debian's scikit-learn:

    /usr/bin/python3 scripts/bench-sklearn.py [DATA_DIR]

DATA_DIR defaults to BENCH_CLUSTERING_DIR or <tmp>/fixloop-bench-clustering, as in the benchmark.
"""

import json
import os
import pathlib
import re
import sys
import tempfile
import time

import numpy as np
import sklearn
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import adjusted_rand_score

D = 512
SIM_THRESHOLD = 0.5  # as in scripts/bench-clustering.ts


def main() -> None:
    default_dir = os.environ.get("BENCH_CLUSTERING_DIR") or os.path.join(tempfile.gettempdir(), "fixloop-bench-clustering")
    data_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else default_dir)
    sizes = sorted(int(m.group(1)) for p in data_dir.glob("vectors-*.f32") if (m := re.match(r"vectors-(\d+)\.f32", p.name)))
    if not sizes:
        sys.exit(f"no vectors-*.f32 in {data_dir}: run `npm run bench:clustering` first")
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}: average linkage, cosine, distance_threshold = {1 - SIM_THRESHOLD}")
    for n in sizes:
        x = np.fromfile(data_dir / f"vectors-{n}.f32", dtype="<f4").reshape(n, D)
        ours = json.loads((data_dir / f"labels-{n}.json").read_text())
        started = time.perf_counter()
        model = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=1 - SIM_THRESHOLD
        ).fit(x)
        seconds = time.perf_counter() - started
        ari = adjusted_rand_score(model.labels_, ours["labels"])
        print(
            f"  n = {n:>6}: scikit-learn {seconds:8.3f} s, {model.n_clusters_:>5} clusters | "
            f"ours {ours['seconds']:7.3f} s, {len(set(ours['labels'])):>5} clusters | "
            f"{seconds / ours['seconds']:5.1f}x faster, ARI {ari:.6f}"
        )


if __name__ == "__main__":
    main()
