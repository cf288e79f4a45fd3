import multiprocessing

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    try:
        import bad

        print(bad.Worker().run([1, 2]))
    except (SyntaxError, ValueError) as e:
        print(type(e).__name__, e.msg)
