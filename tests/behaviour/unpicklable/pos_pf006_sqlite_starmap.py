# PF006: a sqlite3 connection inside starmap's argument tuples.
import multiprocessing
import sqlite3


def query(conn, n):
    return conn.execute("select ?", (n,)).fetchone()


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    conn = sqlite3.connect(":memory:")
    with multiprocessing.Pool(2) as pool:
        print(pool.starmap(query, [(conn, 1), (conn, 2)]))
