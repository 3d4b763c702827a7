import os

if os.getenv("DEBUG_TESTS") == "true":
    import debugpy

    debugpy.listen(("0.0.0.0", 5679))
    debugpy.wait_for_client()
