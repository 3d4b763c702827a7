def validate(request):
    if request.method == "POST" and "content-type" not in request.headers:
        raise ValueError("POST without content-type")
