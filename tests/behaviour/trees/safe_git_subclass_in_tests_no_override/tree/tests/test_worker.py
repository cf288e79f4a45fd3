from src_pkg.worker import Worker as Base


class Probe(Base):
    def extra(self):
        return self.work(1)


def test_subclass_uses_work():
    assert Probe().extra() == 2
    assert Probe().run([5]) == [6]
