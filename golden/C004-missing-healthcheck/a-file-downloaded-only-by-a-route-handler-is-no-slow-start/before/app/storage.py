from minio import Minio

client = Minio("minio:9000", access_key="a", secret_key="b", secure=False)


def download(name: str):
    return client.get_object("bucket", name)
