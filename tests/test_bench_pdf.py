"""Smoke run of bench/bench_pdf.py: every side runs once and the figures are printed (no timing asserted)."""

import importlib.util
import io
from pathlib import Path

import pytest

pytestmark = [pytest.mark.soffice, pytest.mark.slow]


def test_pdf_benchmark_smoke(soffice):
    path = Path(__file__).resolve().parent.parent / "bench" / "bench_pdf.py"
    spec = importlib.util.spec_from_file_location("bench_pdf", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    result = module.run(repeat=1, oneshot=False, out=out)
    assert result["rounds"] == 1 and result["soffice_s"] > 0 and result["batch_s"] > 0 and result["warm_s"] > 0
    assert "ratio soffice / docplan" in out.getvalue() and "already run" in out.getvalue()
