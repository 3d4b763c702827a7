DATABASE_URL=postgresql://app:pw@db:5432/app
TEST_DATABASE_URL=postgresql://postgres:pw@localhost:5432/test_db
