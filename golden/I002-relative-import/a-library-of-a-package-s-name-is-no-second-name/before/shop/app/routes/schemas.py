USER = {'name': str}
