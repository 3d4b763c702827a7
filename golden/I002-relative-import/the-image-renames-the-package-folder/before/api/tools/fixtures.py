ROWS = [1, 2]
