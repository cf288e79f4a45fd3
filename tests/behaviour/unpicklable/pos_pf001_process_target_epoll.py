# PF001 note: Process(target=self.serve) pickles the instance, which holds an epoll object.
import multiprocessing
import select


class Server:
    def __init__(self):
        self.poller = select.epoll()
        self.port = 0

    def serve(self):
        self.port = 8080
        print("serving", self.port)

    def start(self):
        p = multiprocessing.Process(target=self.serve)
        p.start()
        p.join()


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    Server().start()
