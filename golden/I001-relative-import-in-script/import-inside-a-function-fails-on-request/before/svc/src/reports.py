def build(): return {}
