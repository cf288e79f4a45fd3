//! Python programs shared by the CLI and bulk-migration tests. Their exact text matters:
//! tests assert row and column numbers inside them.
#![allow(dead_code)] // each test crate uses its own subset

/// The classic failing program: a class holding a lock whose stateless method is handed to
/// `ProcessPoolExecutor.map`. The finding is at 14:34 (`self.single_process`), ending at 14:53.
pub const CLASSIC: &str = r#"import threading
from concurrent.futures import ProcessPoolExecutor


class PageProcess:
    def __init__(self):
        self.lock = threading.Lock()

    def single_process(self, page):
        return len(page.strip())

    def run(self, pages):
        with ProcessPoolExecutor() as pool:
            return list(pool.map(self.single_process, pages))


if __name__ == "__main__":
    print(PageProcess().run(["a ", " bb"]))
"#;

/// Same, but the method writes `self.count` on line 11: reported, never fixed.
pub const STATEFUL: &str = r#"import threading
from concurrent.futures import ProcessPoolExecutor


class PageProcess:
    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0

    def single_process(self, page):
        self.count += 1
        return len(page)

    def run(self, pages):
        with ProcessPoolExecutor() as pool:
            return list(pool.map(self.single_process, pages))
"#;
