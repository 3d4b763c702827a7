import logging

log = logging.getLogger("api")
