"""Sleep far past any timeout (the marker argument lets the test look for survivors)."""

import time

print("sleeping", flush=True)
time.sleep(3600)
