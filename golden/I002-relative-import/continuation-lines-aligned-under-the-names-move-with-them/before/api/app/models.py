User = 1; Item = 2
