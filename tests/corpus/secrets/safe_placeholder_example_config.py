EXAMPLE_SETTINGS = {
    "api_key": "<your-api-key>",
    "password": "changeme",
    "token": "${API_TOKEN}",
}


def describe() -> str:
    return "Copy these settings to config.py and fill in real values."
