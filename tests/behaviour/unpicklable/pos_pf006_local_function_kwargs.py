# PF006: a local function handed to Process(kwargs=...).
import multiprocessing


def work(cb):
    print(cb())


def main():
    def answer():
        return 42

    p = multiprocessing.Process(target=work, kwargs={"cb": answer})
    p.start()
    p.join()


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    main()
