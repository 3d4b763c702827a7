UNIT = 'km'
