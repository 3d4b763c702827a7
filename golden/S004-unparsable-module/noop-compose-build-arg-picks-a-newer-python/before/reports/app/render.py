def title(row: dict) -> str:
    return f"Report for {row["name"]}"
