"""The app's own date, time and number formats per language (settings.FORMAT_MODULE_PATH).

One look per kind of value: a date, a date with a time, a month, a day of the month. The SHORT_*
formats equal the long ones so that whichever a template or a library asks for, the reader sees
the same thing. English is day-first with a month name (``7 Dec 2026``) so that no date reads as
``MM/DD/YYYY``; Hungarian follows the Hungarian convention (``2026. december 7.``). Times are
24-hour in both.
"""
