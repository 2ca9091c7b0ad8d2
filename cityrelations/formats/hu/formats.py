"""Hungarian: ``2026. december 7.``, ``14:30``, ``15 000`` (a no-break space between groups)."""

DATE_FORMAT = "Y. F j."
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y. F j. H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "Y. F"
MONTH_DAY_FORMAT = "F j."
FIRST_DAY_OF_WEEK = 1  # Monday

# Typed dates: ISO first (what <input type="date"> sends), then the Hungarian numeric forms with
# and without spaces (2026. 12. 07., 2026.12.07.).
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-07
    "%Y. %m. %d.",  # 2026. 12. 07.
    "%Y.%m.%d.",  # 2026.12.07.
    "%Y. %m. %d",  # 2026. 12. 07
    "%Y.%m.%d",  # 2026.12.07
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2026-12-07 14:30:59
    "%Y-%m-%d %H:%M",  # 2026-12-07 14:30
    "%Y. %m. %d. %H:%M",  # 2026. 12. 07. 14:30
    "%Y.%m.%d. %H:%M",  # 2026.12.07. 14:30
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a no-break space: 15 000 never breaks across lines
NUMBER_GROUPING = 3
