"""The spreadsheet formula guard every export uses: formulae neutralised, numbers left alone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cityrelations.core.exports import safe_cell


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil.example")', "-2+3", "+36 1 234 5678", "@SUM(A1)", "-", "-1-1"],
)
def test_text_that_a_spreadsheet_would_read_as_a_formula_is_guarded(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-12.5", "-34.603722", "+3", "-1,5", "-.5", "-2e-3", "12"])
def test_text_that_is_a_plain_number_is_not(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [Decimal("-58.381592"), -3, -0.5])
def test_numbers_are_not(value):
    assert safe_cell(value) == value
