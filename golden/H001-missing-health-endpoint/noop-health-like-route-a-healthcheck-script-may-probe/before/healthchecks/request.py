#!/usr/bin/env python
import urllib.request

print(urllib.request.urlopen("http://127.0.0.1:3000/healthcheck", timeout=10).read())
