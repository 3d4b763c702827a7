def ok():
    return True


"""
Usage example (documentation only):

    from app.core.missing_module import thing
"""
