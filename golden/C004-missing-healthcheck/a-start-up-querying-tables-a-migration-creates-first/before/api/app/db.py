from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("postgresql://postgres:postgres@db/postgres")
SessionLocal = sessionmaker(bind=engine)
