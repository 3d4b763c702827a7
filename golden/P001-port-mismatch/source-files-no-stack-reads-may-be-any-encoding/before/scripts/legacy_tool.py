# -*- old tool, saved by a Latin-1 editor: café
print("x")
