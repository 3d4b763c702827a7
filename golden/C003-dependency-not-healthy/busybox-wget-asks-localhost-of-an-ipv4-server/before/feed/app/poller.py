import time

while True:
    print("poll")
    time.sleep(30)
