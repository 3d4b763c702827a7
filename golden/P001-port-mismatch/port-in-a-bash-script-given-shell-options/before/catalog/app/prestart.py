import logging

logging.basicConfig(level=logging.INFO)
logging.info("catalog: checking settings")
