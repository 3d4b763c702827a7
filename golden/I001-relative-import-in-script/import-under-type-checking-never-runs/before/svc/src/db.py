engine = object()
