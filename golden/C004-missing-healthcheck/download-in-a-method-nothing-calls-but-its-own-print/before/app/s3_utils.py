import boto3


class S3Utils:
    def __init__(self):
        self.s3client = boto3.client("s3")

    def get_file_obj(self, key):
        print("get_file_obj", key)
        return self.s3client.get_object(Bucket="docs", Key=key)["Body"].read()
