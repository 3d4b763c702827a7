from api.decorators import guarded
