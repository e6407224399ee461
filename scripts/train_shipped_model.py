"""Retrain the model shipped in the package from the corpus: complaintdesk/triage/shipped/.

Run from the repository root: .venv/bin/python scripts/train_shipped_model.py
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from complaintdesk.triage.engine import SHIPPED_MODEL_DIR, collect_training_examples, train


def main() -> None:
    examples = collect_training_examples()
    started = time.perf_counter()
    model = train(examples, progress=print)
    staging = SHIPPED_MODEL_DIR.with_name("shipped.new")
    if staging.exists():
        shutil.rmtree(staging)
    model.save(staging)
    for path in SHIPPED_MODEL_DIR.glob("*"):
        if path.name in {"weights.npz", "metadata.json"}:
            path.unlink()
    for path in staging.iterdir():
        path.rename(SHIPPED_MODEL_DIR / path.name)
    staging.rmdir()
    size = sum(path.stat().st_size for path in SHIPPED_MODEL_DIR.iterdir()) / 1e6
    print(f"trained in {time.perf_counter() - started:.1f}s on {len(examples)} examples")
    print(f"shipped model {model.version}: {size:.1f} MB in {SHIPPED_MODEL_DIR}")
    print(json.dumps(model.metadata["validation_scores"], indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
