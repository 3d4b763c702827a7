settings = {"name": "orders", "topic": "orders"}
