LOG = []


class Audited:
    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        if not name.startswith("_") and callable(value):
            LOG.append(name)
        return value
