from concurrent.futures import ProcessPoolExecutor


class InputChecker:
    def test_input(self, x):
        return x >= 0

    def check_all(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.test_input, xs))


def test_all_inputs_valid():
    assert InputChecker().check_all([0, 1, 2]) == [True, True, True]
