# Copy to .env and set each value.

# Payments gateway
PAYMENTS_URL=http://payments:8080
PAYMENTS_TOKEN=
