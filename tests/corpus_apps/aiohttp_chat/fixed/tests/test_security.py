import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

from security import allowed_redirect, check_password, hash_password  # noqa: E402

PASSWORD = "correct-horse-battery-staple"


def test_password_round_trip():
    assert check_password(PASSWORD, hash_password(PASSWORD))


def test_redirects_stay_on_site():
    assert allowed_redirect("/rooms/general")
    assert not allowed_redirect("https://evil.example/")
