from fastapi.testclient import TestClient

from app.main import app

API_KEY = "test-api-key-123"
client = TestClient(app, headers={"X-Api-Key": API_KEY})


def test_echo_is_json():
    response = client.get("/items/echo", params={"message": "<b>hi</b>"})
    assert response.headers["content-type"] == "application/json"


def test_export_rejects_traversal():
    response = client.get("/files/reports/..%2F..%2Fetc%2Fpasswd")
    assert response.status_code == 404
