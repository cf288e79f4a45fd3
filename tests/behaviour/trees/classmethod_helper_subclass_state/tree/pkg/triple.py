from pkg.scaler import Scaler


class Triple(Scaler):
    factor = 3
