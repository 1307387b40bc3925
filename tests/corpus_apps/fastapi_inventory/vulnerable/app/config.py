from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INVENTORY_")

    database_url: str = "postgresql+psycopg://inventory@localhost/inventory"
    debug: bool = False
    export_dir: Path = Path("/srv/inventory/exports")
    image_dir: Path = Path("/srv/inventory/images")
    s3_bucket: str = "inventory-exports"
    aws_access_key_id: str = "AKIAQ3EGT7RXLM2KWZ5D"
    aws_secret_access_key: str = "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"
    api_key_header: str = "X-Api-Key"
    staging_dir: Path = Path("/srv/inventory/staging")
    import_dir: Path = Path("/srv/inventory/imports")
    supplier_api_url: str = "https://api.acme-supply.example.com/v2"


settings = Settings()
