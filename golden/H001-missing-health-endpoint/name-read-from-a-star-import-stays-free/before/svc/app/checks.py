class Probe:
    def status(self) -> str:
        return "fine"


health = Probe()
