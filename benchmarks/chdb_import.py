#!/usr/bin/env python3
"""Embedded ClickHouse (chdb) baseline for ingest.sh: loads an Asterisk Master.csv file (18 columns, no
header) into a MergeTree table ordered by (day, calling) on 2 threads, in a session folder of its own.
Usage: chdb_import.py CSV FOLDER. Prints the rows stored."""
import sys

from chdb import session

csv, folder = sys.argv[1], sys.argv[2]
columns = ", ".join(f"c{n} String" for n in range(1, 19))
db = session.Session(folder)
db.query(
    f"CREATE TABLE cdrs ({columns}) ENGINE = MergeTree "
    "ORDER BY (toDate(parseDateTimeBestEffortOrZero(c10)), c2)"
)
db.query(
    f"INSERT INTO cdrs SELECT * FROM file('{csv}', CSV, '{columns}') SETTINGS max_threads = 2, max_insert_threads = 2"
)
print(db.query("SELECT count() FROM cdrs", "CSV"), end="")
db.close()
