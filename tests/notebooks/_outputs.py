"""Read what a committed, executed course notebook printed: the text of its code cells' outputs."""
from __future__ import annotations

import json
import re
from pathlib import Path

BOOK = Path(__file__).resolve().parents[2] / "notebooks"


def notebook(prefix: str) -> dict:
    """The notebook whose file name starts with ``prefix`` (``"02"``), as parsed JSON."""
    (path,) = sorted(BOOK.glob(f"{prefix}_*.ipynb"))
    return json.loads(path.read_text(encoding="utf-8"))


def printed(prefix: str) -> str:
    """Everything the notebook's code cells printed (stream and text/plain results), in order."""
    parts = []
    for cell in notebook(prefix)["cells"]:
        for out in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            if "text" in out:
                parts.append("".join(out["text"]))
            elif "text/plain" in out.get("data", {}):
                parts.append("".join(out["data"]["text/plain"]))
    return "\n".join(parts)


def number_after(text: str, label: str) -> float:
    """The first number printed after ``label`` (a literal string) in ``text``."""
    m = re.search(re.escape(label) + r"[^0-9+\-]*([+\-]?\d[\d,]*\.?\d*(?:e[+\-]?\d+)?)", text)
    assert m, f"{label!r} not found in the notebook's printed output"
    return float(m.group(1).replace(",", ""))


def markdown(prefix: str) -> str:
    """All markdown text of the notebook."""
    return "\n".join("".join(c["source"]) for c in notebook(prefix)["cells"]
                     if c["cell_type"] == "markdown")


def line_numbers(text: str, prefix: str) -> list[float]:
    """All numbers on the first printed line that starts with ``prefix`` (after the prefix)."""
    line = next((ln for ln in text.splitlines() if ln.startswith(prefix)), None)
    assert line is not None, f"no printed line starts with {prefix!r}"
    found = re.findall(r"[+\-]?\d[\d,]*\.?\d*(?:e[+\-]?\d+)?", line[len(prefix):])
    return [float(v.replace(",", "")) for v in found]
