from .base import Worker as PublicWorker
