try:
    from multiprocess import Pool
except ImportError:
    from multiprocessing import Pool

__all__ = ["Pool"]
