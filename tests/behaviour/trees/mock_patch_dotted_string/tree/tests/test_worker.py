from unittest import mock

from pkg.worker import Worker


def test_run_one_is_patchable():
    with mock.patch("pkg.worker.Worker.work", return_value=42):
        got = Worker().run_one(1)
    assert got == 42, got
