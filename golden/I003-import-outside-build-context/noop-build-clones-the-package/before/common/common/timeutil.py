def tz():
    return 'UTC'
