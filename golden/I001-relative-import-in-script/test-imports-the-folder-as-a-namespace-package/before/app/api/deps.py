dep = 1
