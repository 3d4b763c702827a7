# -*- coding: utf-8 -*-
import csv
import io


def render(month, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "sku", "units"])
    for row in rows:
        try:
            writer.writerow([month, row["sku"], row["units"]])
        except KeyError, e:
            print "skipping row without %s" % e
    return out.getvalue()
