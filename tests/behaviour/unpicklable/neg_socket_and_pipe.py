# Negative: multiprocessing duplicates sockets and pipe ends: they pickle.
import multiprocessing
import socket


def work(sock, conn):
    conn.send(sock.family == socket.AF_UNIX)
    return 1


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    a, b = socket.socketpair()
    here, there = multiprocessing.Pipe()
    with multiprocessing.Pool(1) as pool:
        print(pool.apply(work, (a, there)), here.recv())
