class Money:
    def __init__(self, cents: int):
        self.cents = cents

    def __str__(self):
        return f"{self.cents / 100:.2f}"
