import os

import sqlalchemy

engine = sqlalchemy.create_engine(f"postgresql://postgres:password@{os.environ['DB_HOST']}/postgres")
metadata = sqlalchemy.MetaData()
metadata.create_all(bind=engine)  # connects at import time
with engine.connect():
    pass
