import httpx


class ChatClient:
    def download_file(self, url: str, target: str) -> None:
        with open(target, "wb") as out:
            out.write(httpx.get(url).content)


def store_media(url: str) -> None:
    ChatClient().download_file(url, "/tmp/media")
