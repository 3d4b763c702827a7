import importlib

# corp-money installs corp/money/ into the same `corp` namespace
money = importlib.import_module("corp.money.units")


def total(amounts: list[int]) -> int:
    return sum(money.cents(a) for a in amounts)
