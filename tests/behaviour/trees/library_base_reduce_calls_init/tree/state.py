LOADED = False
