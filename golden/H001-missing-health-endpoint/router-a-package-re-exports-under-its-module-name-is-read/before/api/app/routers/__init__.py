from .items import router as items
