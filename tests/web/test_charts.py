"""The consoles' SVG charts: well-formed, escaped, scaled, and nothing that a strict CSP refuses."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from matchsvc.web.charts import Series, _nice_max, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("value,top", [(0, 2.0), (1, 2.0), (2, 2.0), (3, 5.0), (7, 10.0), (12, 20.0),
                                       (230, 250.0), (0.4, 2.0)])
def test_axis_top_is_a_round_number_at_or_above_the_largest_value(value, top):
    assert _nice_max(value) == pytest.approx(top)


def test_column_chart_draws_one_bar_per_known_value_with_its_number():
    svg = column_chart("每月申请", ["2026-11", "2026-12"],
                       [Series("申请", [3, 5]), Series("通过", [2, None])])
    root = ET.fromstring(str(svg))
    bars = [r for r in root.iter(SVG + "rect") if r.find(SVG + "title") is not None]
    assert [b.find(SVG + "title").text for b in bars] == ["2026-11 · 申请: 3", "2026-11 · 通过: 2",
                                                          "2026-12 · 申请: 5"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[2] > heights[0] > heights[1] > 0
    assert root.get("viewBox").startswith("0 0 ") and root.get("role") == "img"
    assert "style=" not in svg and "<script" not in svg


def test_bar_chart_escapes_names_and_keeps_empty_rows():
    svg = bar_chart("各单位", ["<b>东区</b>", "西区"], [Series("配对", [4, 0])])
    assert "<b>" not in svg and "&lt;b&gt;东区&lt;/b&gt;" in svg
    root = ET.fromstring(str(svg))
    widths = [float(r.get("width")) for r in root.iter(SVG + "rect") if r.find(SVG + "title") is not None]
    assert widths[0] > 0 and widths[1] == 0


def test_charts_cope_with_no_data():
    for svg in (column_chart("空", [], [Series("a", [])]), bar_chart("空", [], [Series("a", [])])):
        ET.fromstring(str(svg))
