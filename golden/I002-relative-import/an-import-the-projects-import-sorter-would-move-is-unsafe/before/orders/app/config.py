TITLE = "service"
