#!/usr/bin/env python3
"""Notebook housekeeping with the standard library only.

  notebooks.py strip FILE...   remove outputs, execution counts and volatile metadata (in place); keep cell ids,
                               giving stable ones (c00, c01, ...) to cells without (nbformat 4.5 wants them)
  notebooks.py check FILE...   an executed notebook must have an image/png output and no error output
"""
import json
import sys

KEEP_METADATA = {"kernelspec", "language_info"}


def strip(path):
    with open(path) as f:
        nb = json.load(f)
    nb["metadata"] = {k: v for k, v in nb.get("metadata", {}).items() if k in KEEP_METADATA}
    nb["metadata"].get("language_info", {}).pop("version", None)
    nb["nbformat"], nb["nbformat_minor"] = 4, max(5, nb.get("nbformat_minor", 0))
    taken = {c.get("id") for c in nb["cells"]}
    for i, cell in enumerate(nb["cells"]):
        cell["metadata"] = {}
        if not cell.get("id"):
            new = "c%02d" % i
            while new in taken:
                new += "x"
            cell["id"] = new
            taken.add(new)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    with open(path, "w") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


def check(path):
    with open(path) as f:
        nb = json.load(f)
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    if errors:
        print(f"{path}: error output: {errors[0].get('ename')}: {errors[0].get('evalue')}")
        return False
    if not images:
        print(f"{path}: no image/png output")
        return False
    print(f"{path}: ok ({len(images)} images)")
    return True


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("strip", "check"):
        print(__doc__)
        sys.exit(2)
    if sys.argv[1] == "strip":
        for p in sys.argv[2:]:
            strip(p)
    else:
        sys.exit(0 if all([check(p) for p in sys.argv[2:]]) else 1)
