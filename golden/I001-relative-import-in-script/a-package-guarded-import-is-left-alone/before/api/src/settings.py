API_TITLE = "catalog"
