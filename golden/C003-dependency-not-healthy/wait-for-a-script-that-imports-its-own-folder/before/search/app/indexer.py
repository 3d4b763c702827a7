import time
import urllib.request

while True:
    urllib.request.urlopen("http://search:7000/api/search?q=reindex")
    time.sleep(300)
