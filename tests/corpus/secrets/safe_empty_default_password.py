import os

import psycopg2


def get_connection():
    password = os.environ.get("PGPASSWORD", "")
    return psycopg2.connect(host="db.internal", dbname="billing", user="billing",
                            password=password)
