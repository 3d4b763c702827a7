#!/usr/bin/env python
# One-off migration script from 2015, kept for reference; never run in the image.
import sys

for line in sys.stdin:
    print line.strip()
