from dataclasses import dataclass
from typing import Callable

from pkg.base import Base


@dataclass
class Shouting(Base):
    fmt: Callable[[str], str] = str.upper
