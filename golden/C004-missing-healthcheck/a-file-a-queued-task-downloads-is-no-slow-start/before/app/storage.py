import boto3

s3 = boto3.client("s3")


class Storage:
    def read(self, key: str) -> bytes:
        return s3.get_object(Bucket="documents", Key=key)["Body"].read()
