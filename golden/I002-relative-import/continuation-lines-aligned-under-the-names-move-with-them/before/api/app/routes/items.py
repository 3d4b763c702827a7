def load():
    from ..models import (User,
                          Item)
    from ..db import (get_db,  # the session factory
                      engine,
                      )
    from . import (
        helpers,
    )
    return User, Item, get_db, engine, helpers
