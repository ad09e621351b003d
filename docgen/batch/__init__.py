"""Many documents from one spreadsheet: rows turned into requests, checked, numbered and made.

``rows`` is the one way a sheet becomes requests, shared by ``docgen batch`` and the folder
watcher's CSV/XLSX intake, so a sheet that works in one works in the other.
"""
