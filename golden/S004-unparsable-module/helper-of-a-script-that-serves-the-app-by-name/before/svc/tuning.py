WORKERS = 2
print "tuning"
