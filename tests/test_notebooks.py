"""The notebooks run from top to bottom, fresh, with the project's own interpreter.

Every notebook in notebooks/ is executed in memory (the repository's files stay output-free) with the
kernel started in ``notebooks/``, as Jupyter starts it: the notebooks name shipped scenarios
(``calc.load("nvidia-1gw")``), so they do not depend on the working directory. The kernel is this
interpreter (``sys.executable``), declared in a temporary kernel spec that takes precedence over
any ``python3`` kernel installed elsewhere on the machine. A failing cell fails the test.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "calc-test-python"
CELL_TIMEOUT = 120          # seconds per cell


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory):
    """A kernel spec running ipykernel in this interpreter, found first through JUPYTER_PATH."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "calc test", "language": "python"}))
    return root


def test_the_notebooks_are_there_and_saved_without_outputs():
    names = [p.name for p in NOTEBOOKS]
    assert names[:3] == ["01_what_a_gigawatt_buys.ipynb", "02_revenue_against_commitments.ipynb",
                         "03_who_paid_what.ipynb"]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code, path.name
        assert all(not c.outputs and c.execution_count is None for c in code), f"{path.name} has outputs"
        assert nb.metadata.kernelspec.name == "python3"


def _execute(path: Path, kernel_dir: Path, monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_dir))
    monkeypatch.delenv("MPLBACKEND", raising=False)    # the kernel picks its inline backend
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), f"{path.name}: a cell did not run"
    nbformat.write(nb, tmp_path / path.name)        # the executed copy, for a look after a failure
    return nb


def _outputs(nb, kind: str) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if kind in o.get("data", {})]


def _text(nb) -> str:
    parts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            parts.append(o.get("text", ""))
            parts += [str(v) for k, v in o.get("data", {}).items() if k in ("text/plain", "text/html")]
    return "\n".join(parts)


def test_no_notebook_names_a_scenario_by_path():
    for path in NOTEBOOKS:
        assert "scenarios/" not in "".join(c.source for c in nbformat.read(path, as_version=4).cells
                                         if c.cell_type == "code"), path.name


def expect_01(nb, text):
    # 1 GW / (120,000 / 36 W IT per GB200 superchip x PUE 1.2410) = 241,747 superchips (central)
    assert "241,747" in text
    assert "tpu-v7-ironwood" in text and "trainium2" in text
    assert len(_outputs(nb, "image/png")) >= 2       # the two per-GW bar charts


def expect_02(nb, text):
    # (5 / 1)^(1/7) - 1 = 0.2585: +25.8 % a month, shown in % (the glossary's display unit) to three figures
    assert "25.8" in text
    assert len(_outputs(nb, "image/png")) >= 2       # fan chart and tornado


def expect_03(nb, text):
    assert "funding" in text and "does not hold" in text
    assert len(_outputs(nb, "image/png")) >= 1       # the timeline


def expect_05(nb, text):
    # OpenAI's power each deal once, as of today: AMD 6 + Broadcom 10 + Stargate 8 + UAE 1
    # + AWS 2 + TCS 0.1 + NVIDIA's Vera Rubin 5 = 32.1 GW (the letter of intent's 10 GW stalled in
    # January 2026; OpenAI left Stargate Norway, 0.23 GW, in April 2026). Reports: 111
    # + Anthropic-Nexus (March 2026) + Microsoft-Nscale Narvik (April 2026) + the five of May-June
    # 2026 (Anthropic-Akamai, Google-SpaceX, Reflection-SpaceX, Anthropic's letters of intent,
    # OpenAI's Ohio talks) = 118; buyers: the 11 before + Reflection AI = 12
    # 118 reports less the 15 marked same_deal_as = 103 deals (README); 75 reports count today
    # (76 less Amazon's own 11 billion USD Rainier build: own spending, in no total)
    assert "32.1" in text and "118 reports of 103 deals from 12 buyers; 75 reports count" in text
    assert "does not hold" in text and "teslarati" in text.lower()   # the scenario's checks; the footnotes
    assert len(_outputs(nb, "image/png")) >= 2       # by buyer, at each year's end
    # the year ends count like the totals: at the end of 2025 OpenAI's power is NVIDIA 10 + AMD 6
    # + Broadcom 10 + Stargate 8 + UAE 1 + Norway 0.23 = 35.23 GW (Oracle's 4.5 inside Stargate
    # once; it was 36.6 with Oracle twice), firm payments Oracle 300 + Azure 250 + AWS 38 +
    # CoreWeave 4 = 592 B, up to CoreWeave 11.9 + 6.5 = 18.4 B; AMD's "tens of billions" is vague
    # 20-100, not 44.7 firm
    assert ("OpenAI at the end of 2025: 35.23 GW firm; payments 592.0 B firm, up to 18.4 B, "
            "vague 20.0-100.0 B") in text
    source = "".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "calc.registry" not in source      # not an attribute after a fresh `import calc`


def expect_04(nb, text):
    assert "funding_need" in text and "break_even" in text and "coverage" in text
    assert "does not hold" in text and "207" in text          # the HSBC checks, with calc's reading
    # like with like: OpenAI's 30 GW at HSBC's 620 / 36 = 17.22 billion USD per GW-year is 516.7;
    # calc's contract dollars through 2030 are 0.9 + 53.8 + 139 + 165 + 190 + 215 = 764 (HSBC: 792)
    assert "= $517B; expected near $620B" in text and "2030 = $764B; expected near $792B" in text
    # hsbc-openai: the only negative balance is 2030's, 34.71 (tests/test_hsbc_openai.py)
    assert "shortfall: 34.7 billion USD" in text
    assert len(_outputs(nb, "image/png")) >= 3     # a timeline chart per company, the shortfall


def expect_06(nb, text):
    # 16 quarter ends, 2023-03-31 to 2026-12-31, each a calc.deal_flows(as_of=...)
    assert "16 quarters, 2023-Q1 to 2026-Q4" in text
    # 30 Nov 2025: NVIDIA's letter of intent, up to 100 B (openai_nvidia_2025_09, investment)
    # against its 10 GW of systems with no price (openai_nvidia_systems_2025_09, hardware) valued at Epoch's
    # 29 B per GW (capex): min(0 + 100, 290) / 290 = 34.5 %
    assert ("NVIDIA -> OpenAI, 2025-Q4: invested 0.0 firm + 100.0 up to, paid back 290.0 firm + 0.0 up to (capex): "
            "round-trip share 34.5 %") in text
    # Microsoft's 10 B in OpenAI against the 250 B Azure contract (October 2025): 10 / 250 = 4.0 %
    assert ("Microsoft -> OpenAI, 2025-Q4: invested 10.0 firm + 0.0 up to, paid back 250.0 firm + 0.0 up to (firm): "
            "round-trip share 4.0 %") in text
    # February 2026: Amazon's 15 B upfront + 35 B contingent against AWS 38 (November 2025) + 100
    # (the expansion): min(15 + 35, 138) / 138 = 36.2 %
    assert ("Amazon -> OpenAI, 2026-Q4: invested 15.0 firm + 35.0 up to, paid back 138.0 firm + 0.0 up to (firm): "
            "round-trip share 36.2 %") in text
    # the letter of intent stalled on 30 January 2026; NVIDIA's 30 B of equity (February 2026)
    # against the 3 + 2 GW of Vera Rubin tied to it, at 29 B per GW = 145 B: 30 / 145 = 20.7 %
    assert ("NVIDIA -> OpenAI, 2026-Q4: invested 30.0 firm + 0.0 up to, paid back 145.0 firm + 0.0 up to (capex): "
            "round-trip share 20.7 %") in text
    # Google -> Anthropic: up to 2 B (2023) against the TPU deal's "tens of billions" (20-100 B,
    # October 2025): 2 / 100 to 2 / 20; today 42 B against 200 firm + 20-100 vague: 42/300 to 42/220
    assert ("Google -> Anthropic, 2025-Q4: invested 0.0 firm + 2.0 up to, paid back 0.0 firm + "
            "0.0 up to + 20.0-100.0 vague (vague): round-trip share 2.0-10.0 %") in text
    assert ("Google -> Anthropic, 2026-Q4: invested 10.0 firm + 32.0 up to, paid back 200.0 firm + "
            "0.0 up to + 20.0-100.0 vague (firm+vague): round-trip share 14.0-19.1 %") in text
    assert "paid_back_up_to (bn)" in text and "paid_back_vague_high (bn)" in text   # all in bn
    assert len(_outputs(nb, "image/png")) >= 3       # kinds over time, round-trip shares, the flows


# What each notebook must show, beyond running every cell without an error (a notebook not listed here
# is still executed and must run through).
EXPECT = {"01_what_a_gigawatt_buys.ipynb": expect_01, "02_revenue_against_commitments.ipynb": expect_02,
          "03_who_paid_what.ipynb": expect_03, "04_can_they_pay.ipynb": expect_04,
          "05_the_deals.ipynb": expect_05, "06_who_pays_whom.ipynb": expect_06}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_runs_where_jupyter_starts_it(path, kernel_dir, monkeypatch, tmp_path):
    nb = _execute(path, kernel_dir, monkeypatch, tmp_path)
    text = _text(nb)
    assert "Traceback" not in text and "Error" not in "".join(
        o.get("ename", "") for c in nb.cells for o in c.get("outputs", []))
    if path.name in EXPECT:
        EXPECT[path.name](nb, text)
