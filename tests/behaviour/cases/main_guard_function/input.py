import multiprocessing

if __name__ == "__main__":
    def cube(x):
        return x ** 3

    multiprocessing.set_start_method("spawn")
    with multiprocessing.Pool(2) as pool:
        print(pool.map(cube, [1, 2, 3]))
