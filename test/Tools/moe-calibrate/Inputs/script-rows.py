"""Writes every row scripts/calibrate-gpu.py measures, each with a placeholder
time of 100 us, to check that moe-calibrate prices every kind the script
writes (the CSV contract between them). The times are not measurements."""
import csv
import importlib.util
import sys

spec = importlib.util.spec_from_file_location("calibrate", sys.argv[1])
calibrate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(calibrate)
writer = csv.DictWriter(sys.stdout, fieldnames=calibrate.COLUMNS)
writer.writeheader()
for kind, params in calibrate.plan(quick=False):
    writer.writerow(calibrate.csv_row(kind, params, 100.0, "test GPU",
                                      "placeholder", world=8))
