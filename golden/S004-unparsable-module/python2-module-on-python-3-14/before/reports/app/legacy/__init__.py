# Ported from the 2014 reporting tool.
