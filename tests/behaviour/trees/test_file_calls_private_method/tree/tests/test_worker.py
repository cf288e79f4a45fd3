from pkg.worker import Worker


def test_square():
    assert Worker()._square(3) == 9
