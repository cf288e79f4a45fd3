from workers import render


def show(s):
    return render(s)
