import sys

sys.path.insert(0, "/opt/tools")
