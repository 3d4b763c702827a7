import dramatiq
