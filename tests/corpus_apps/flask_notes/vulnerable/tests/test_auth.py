from notes.utils.security import hash_password, is_safe_redirect

API_TOKEN = "fake-token"


def test_safe_redirect_rejects_other_hosts():
    assert is_safe_redirect("/notes/")
    assert not is_safe_redirect("//evil.example/")
    assert not is_safe_redirect("https://evil.example/")


def test_login_rejects_wrong_password(client):
    response = client.post("/login", data={"email": "ann@example.com", "password": "hunter2"})
    assert b"Invalid" in response.data


def test_hash_has_salt():
    assert hash_password("password123", "salt").startswith("salt$")
