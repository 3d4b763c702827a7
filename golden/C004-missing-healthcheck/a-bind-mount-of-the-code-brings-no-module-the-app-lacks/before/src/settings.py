TITLE = "demo"
