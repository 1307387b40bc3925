import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIAIOSFODNN7EXAMPLQ",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEQ",
)


def upload(path: str, key: str) -> None:
    s3.upload_file(path, "reports-bucket", key)
