#!/usr/bin/env python3
"""Writes Sources/MarketPrices/Scenario/pihps-levels.csv from Fixtures/pihps/daily_2018_2024.csv.

Source: PIHPS Nasional, Bank Indonesia, via azzandwi1/indonesian-food-prices-dataset
(see Fixtures/ATTRIBUTION.md). Run from the repository root:

    python3 Fixtures/prices/generate_pihps_table.py

The commodities (CSV column, id, name, PIHPS group, unit) are listed in
Sources/MarketPrices/Scenario/pihps-commodities.csv. The levels file holds, for the dates
FIRST..LAST that the source has (weekdays), one row per date: `date` (YYYY-MM-DD) and the price
(rupiah per kg or per liter) of each commodity under its column name; an empty cell is a day
without data ("-" in the source). Both files are embedded in the MarketPrices module at build
time (`PIHPSTable`); a test (PIHPSTableTests) reads the source CSV again and checks that the
embedded table equals it.
"""
import csv
import os

FIRST, LAST = "2018-01-01", "2024-12-31"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(ROOT, "Fixtures", "pihps", "daily_2018_2024.csv")
FOLDER = os.path.join(ROOT, "Sources", "MarketPrices", "Scenario")


def iso(d):
    day, month, year = [p.strip() for p in d.split("/")]
    return f"{year}-{month}-{day}"


def main():
    with open(os.path.join(FOLDER, "pihps-commodities.csv"), newline="", encoding="utf-8") as f:
        columns = [row["column"] for row in csv.DictReader(f)]
    with open(SOURCE, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    indices = [header.index(c) for c in columns]
    out = os.path.join(FOLDER, "pihps-levels.csv")
    days = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["date"] + columns)
        for r in rows[1:]:
            date = iso(r[0])
            if FIRST <= date <= LAST:
                cells = [r[i].strip() for i in indices]
                writer.writerow([date] + ["" if v in ("-", "") else str(int(v.replace(",", ""))) for v in cells])
                days += 1
    print(f"wrote {out}: {len(columns)} commodities, {days} days")


if __name__ == "__main__":
    main()
