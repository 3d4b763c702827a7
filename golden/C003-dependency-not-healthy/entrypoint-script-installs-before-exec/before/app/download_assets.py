print("downloading")
