def find_user(user_id: int) -> dict[str, object]:
    return {"id": user_id}
