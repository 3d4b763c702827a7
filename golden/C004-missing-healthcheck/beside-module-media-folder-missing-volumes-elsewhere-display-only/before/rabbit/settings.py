amqp_url = "amqp://guest:guest@rabbitmq:5672/"
