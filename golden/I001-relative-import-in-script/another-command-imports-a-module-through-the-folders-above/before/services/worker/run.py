import time

from services.api.routes import Item

while True:
    print(Item(name="tick"))
    time.sleep(30)
