from fastapi import APIRouter

router = APIRouter()


@router.get('/items')
async def items():
    return {'items': ['a', 'b']}
