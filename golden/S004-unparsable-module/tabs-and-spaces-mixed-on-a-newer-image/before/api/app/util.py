def greet():
    if True:
	return "hi"
    return "no"
