from workers import Worker, start_method_spawn

if __name__ == "__main__":
    start_method_spawn()
    print(Worker().run([1, 2]))
