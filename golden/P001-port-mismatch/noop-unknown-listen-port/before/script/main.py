print('no server here')
