import psycopg2


def get_connection():
    return psycopg2.connect(host="db.internal", dbname="billing", user="billing",
                            password="b1ll1ng$ecret")
