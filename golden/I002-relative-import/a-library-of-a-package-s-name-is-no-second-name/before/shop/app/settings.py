import redis

URL = "redis://cache:6379/0"
CLIENT = redis.Redis.from_url(URL)
