SENDER = "noreply@example.com"
