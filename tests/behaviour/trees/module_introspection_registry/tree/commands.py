from concurrent.futures import ProcessPoolExecutor


def greet(name):
    return f"hello {name}"


def shout(name):
    return name.upper()


class Shell:
    def echo(self, s):
        return s

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.echo, xs))
