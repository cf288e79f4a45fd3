from workers import Worker  # noqa: F401  (used by the expressions)

CASES = [("Worker()._work(2)", 3), ("Worker().run([0])", [1])]


def test_expressions():
    for expr, want in CASES:
        assert eval(expr) == want, expr
