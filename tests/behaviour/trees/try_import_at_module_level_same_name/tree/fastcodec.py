def encode(s):
    return s.upper()
