READY = False
