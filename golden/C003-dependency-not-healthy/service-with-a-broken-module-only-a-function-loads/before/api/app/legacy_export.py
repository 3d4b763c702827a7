def run():
    print "exporting"
    return {}
