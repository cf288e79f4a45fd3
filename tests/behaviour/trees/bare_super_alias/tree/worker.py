from concurrent.futures import ProcessPoolExecutor


class Base:
    def label(self):
        return "base"


class Worker(Base):
    def work(self, x):
        parent = super
        return f"{parent().label()}:{x}"

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
