"""Notebooks teach in Chinese with English alongside; the coverage table points at real cells."""
import json
import re

import pytest

from tests.notebooks._outputs import BOOK, markdown

ROOT = BOOK.parent
COVERAGE = (ROOT / "docs" / "course-coverage.md").read_text(encoding="utf-8")
CHAPTERS = sorted(p.name[:2] for p in BOOK.glob("[0-9][0-9]_*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("prefix", CHAPTERS)
def test_every_section_teaches_in_chinese_with_an_english_line(prefix):
    text = markdown(prefix)
    sections = re.split(r"\n(?=#{1,3} )", "\n" + text)
    sections = [s for s in sections if s.strip().startswith("#")]
    assert len(sections) >= 3, f"chapter {prefix} has fewer than 3 sections"
    for sec in sections:
        title = sec.strip().splitlines()[0]
        assert CJK.search(title) and re.search(r"[A-Za-z]{3,}", title), title
    assert len(CJK.findall(text)) > 300, f"chapter {prefix} has little Chinese text"
    assert text.count("*English:") >= len(sections) - 1


def table_rows():
    """The item rows, each split into its cells (a ``\\|`` inside a cell is not a separator)."""
    rows = [r for r in COVERAGE.splitlines() if re.match(r"\| \d+ \|", r)]
    return [re.split(r"(?<!\\)\|", r) for r in rows]


def test_coverage_table_lists_every_item_once_and_its_summary_adds_up():
    ids = [int(r[1]) for r in table_rows()]
    assert len(ids) == len(set(ids)) == 149
    statuses = [r[4].strip() for r in table_rows()]
    for status, count in re.findall(r"^\| ([a-z ()]+) \| (\d+) \|$", COVERAGE, flags=re.M):
        want = len(statuses) if status == "total" else statuses.count(status)
        assert want == int(count), status


def test_coverage_table_points_at_cells_that_exist():
    cells = {}
    for path in BOOK.glob("[0-9][0-9]_*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells[path.name[:2]] = {c["id"] for c in nb["cells"]}
    checked = 0
    for row in table_rows():
        where = row[3]
        for chapter, refs in re.findall(r"(\d\d) ((?:cell-\d\d(?:, )?)+)", where):
            for ref in re.findall(r"cell-\d\d", refs):
                assert ref in cells[chapter], (row[1], chapter, ref)
                checked += 1
    assert checked > 150


def test_glossary_names_real_api():
    import autograd as ag
    import nn
    import optim
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    names = set(re.findall(r"`((?:nn|optim|ag|F)\.[A-Za-z_][\w.]*)", glossary))
    assert len(names) > 60
    spaces = {"nn": nn, "optim": optim, "ag": ag, "F": nn.functional}
    for name in sorted(names):            # module-level names; `nn.Linear.weight` checks nn.Linear
        head, part = name.split(".")[:2]
        assert hasattr(spaces[head], part), name
