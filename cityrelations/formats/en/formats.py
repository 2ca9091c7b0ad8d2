"""English: day, abbreviated month name, year (``7 Dec 2026``); a 24-hour clock."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j M"
FIRST_DAY_OF_WEEK = 1  # Monday: the unit's calendar week

# Typed dates: ISO first (what <input type="date"> sends), then unambiguous day-first forms.
# No month-first form: 01/10/2027 must not be read as 10 January.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-07
    "%d %b %Y",  # 7 Dec 2026
    "%d %B %Y",  # 7 December 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2026-12-07 14:30:59
    "%Y-%m-%d %H:%M",  # 2026-12-07 14:30
    "%d %b %Y, %H:%M",  # 7 Dec 2026, 14:30
    "%d %b %Y %H:%M",  # 7 Dec 2026 14:30
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
