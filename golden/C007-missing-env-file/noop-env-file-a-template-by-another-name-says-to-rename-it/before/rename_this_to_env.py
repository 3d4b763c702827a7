# rename this file to .env

# DB_USER=app
# DB_PASSWORD=
