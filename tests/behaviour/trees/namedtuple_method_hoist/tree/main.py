import multiprocessing

from records import Job

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    j = Job("a", 2)
    print(j.run([1, 2]))
    print(Job._fields, j, j.twice(5))
