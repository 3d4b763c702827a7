print("index")
