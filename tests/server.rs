//! `picklefix server` driven as an editor would: a real process, LSP messages framed with
//! `Content-Length` over its stdin and stdout (the framing here is written independently of
//! the server's library, so both ends are tested): initialize, didOpen, publishDiagnostics,
//! didChange, codeAction (safe, unsafe, noqa, fixAll), shutdown and exit.

mod common;
use common::{CLASSIC, STATEFUL};

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const READS_STATE: &str = "from concurrent.futures import ProcessPoolExecutor\n\n\nclass PageProcess:\n    def __init__(self):\n        self.n = 3\n\n    def single_process(self, page):\n        return len(page) + self.n\n\n    def run(self, pages):\n        with ProcessPoolExecutor(max_workers=2) as pool:\n            return list(pool.map(self.single_process, pages))\n";

const CLOSURE: &str = "from concurrent.futures import ProcessPoolExecutor\n\n\ndef run(xs, k):\n    def work(x):\n        return x * k\n\n    with ProcessPoolExecutor() as pool:\n        return list(pool.map(work, xs))\n";

const LAMBDA: &str = "from concurrent.futures import ProcessPoolExecutor\n\n\ndef run(xs):\n    with ProcessPoolExecutor() as pool:\n        return list(pool.map(lambda x: x * 2, xs))\n";

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications that arrived while waiting for something else.
    pending: Vec<Value>,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_picklefix"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("picklefix server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(m) = read_message(&mut r) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages: rx,
            next_id: 1,
            pending: Vec::new(),
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }

    /// Send a request and wait for its response (notifications meanwhile are kept).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.next();
            if m["id"] == id && m.get("method").is_none() {
                return m;
            }
            self.pending.push(m);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        if let Some(i) = self.pending.iter().position(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        }) {
            return self.pending.remove(i)["params"].clone();
        }
        loop {
            let m = self.next();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"].clone();
            }
            self.pending.push(m);
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    fn code_actions(&mut self, uri: &str, range: Value, only: Option<Value>) -> Vec<Value> {
        let mut context = json!({"diagnostics": []});
        if let Some(only) = only {
            context["only"] = only;
        }
        let r = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": context}),
        );
        assert!(r.get("error").is_none(), "{r}");
        r["result"].as_array().cloned().unwrap_or_default()
    }
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Apply LSP text edits (ASCII text: a character is a byte).
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        starts.get(line).copied().unwrap_or(text.len()) + p["character"].as_u64().unwrap() as usize
    };
    let mut ranges: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut out = text.to_string();
    for (s, e, t) in ranges {
        out.replace_range(s..e, &t);
    }
    out
}

/// What `picklefix --write` (with `extra` flags) makes of `text`.
fn written(text: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.py"), text).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_picklefix"))
        .args(["--write", "-q"])
        .args(extra)
        .arg("m.py")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    std::fs::read_to_string(dir.path().join("m.py")).unwrap()
}

fn edits_of(action: &Value, uri: &str) -> Vec<Value> {
    action["edit"]["changes"][uri]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn an_editor_session_gets_diagnostics_and_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(
        root.join("pyproject.toml"),
        "[tool.picklefix]\nignore = [\"PF003\"]\n",
    )
    .unwrap();
    let mut c = Client::start(&root);

    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {},
               "workspaceFolders": [{"uri": uri_of(&root), "name": "proj"}]}),
    );
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 1, "full sync: {init}");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    let kinds = caps["codeActionProvider"]["codeActionKinds"].to_string();
    assert!(
        kinds.contains("quickfix") && kinds.contains("source.fixAll.picklefix"),
        "{kinds}"
    );
    assert_eq!(init["result"]["serverInfo"]["name"], "picklefix");
    c.notify("initialized", json!({}));

    // didOpen: one PF001 diagnostic on `self.single_process` (line 14, columns 34..53).
    let page = uri_of(&root.join("page.py"));
    let d = c.open(&page, CLASSIC);
    assert_eq!(d["version"], 1);
    let diags = d["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{d}");
    let diag = &diags[0];
    assert_eq!(diag["code"], "PF001");
    assert_eq!(diag["source"], "picklefix");
    assert_eq!(diag["severity"], 2);
    assert_eq!(
        diag["range"],
        json!({"start": {"line": 13, "character": 33}, "end": {"line": 13, "character": 52}})
    );
    assert!(diag["message"]
        .as_str()
        .unwrap()
        .contains("bound method `self.single_process`"));

    // codeAction at the diagnostic: the safe fix, whose edits give what --write writes.
    let actions = c.code_actions(&page, diag["range"].clone(), None);
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("a preferred fix: {actions:?}"));
    assert_eq!(fix["kind"], "quickfix");
    assert!(
        fix["title"].as_str().unwrap().starts_with("PF001: "),
        "{fix}"
    );
    assert!(!fix["title"].as_str().unwrap().contains("unsafe"), "{fix}");
    assert_eq!(
        apply_edits(CLASSIC, &edits_of(fix, &page)),
        written(CLASSIC, &[])
    );
    let noqa = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("noqa"))
        .expect("a suppression action");
    assert!(apply_edits(CLASSIC, &edits_of(noqa, &page))
        .contains("pool.map(self.single_process, pages))  # noqa: PF001\n"));

    // fixAll: every safe fix in one edit.
    let all = c.code_actions(&page, diag["range"].clone(), Some(json!(["source.fixAll"])));
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["kind"], "source.fixAll.picklefix");
    assert_eq!(
        apply_edits(CLASSIC, &edits_of(&all[0], &page)),
        written(CLASSIC, &[])
    );

    // didChange (full text): the method now writes `self`, so the diagnostic says why and
    // no fix is offered.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": page, "version": 2}, "contentChanges": [{"text": STATEFUL}]}),
    );
    let d = c.diagnostics(&page);
    assert_eq!(d["version"], 2);
    let message = d["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("not fixed: `single_process` writes `self.count`"),
        "{message}"
    );
    let range = d["diagnostics"][0]["range"].clone();
    let none = c.code_actions(&page, range, Some(json!(["quickfix"])));
    assert!(
        none.iter()
            .all(|a| a["title"].as_str().unwrap().contains("noqa")),
        "only the suppression: {none:?}"
    );

    // An unsafe fix is offered, labelled, and not preferred.
    let reads = uri_of(&root.join("reads.py"));
    let d = c.open(&reads, READS_STATE);
    let range = d["diagnostics"][0]["range"].clone();
    let actions = c.code_actions(&reads, range, None);
    let unsafe_fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("unsafe fix"))
        .unwrap_or_else(|| panic!("{actions:?}"));
    assert_eq!(unsafe_fix["isPreferred"], false);
    assert_eq!(
        apply_edits(READS_STATE, &edits_of(unsafe_fix, &reads)),
        written(READS_STATE, &["--unsafe-fixes"])
    );

    // Settings from the workspace's pyproject.toml: PF003 is ignored there.
    let closure = uri_of(&root.join("closure.py"));
    assert_eq!(c.open(&closure, CLOSURE)["diagnostics"], json!([]));
    let lambda = uri_of(&root.join("lambda.py"));
    assert_eq!(c.open(&lambda, LAMBDA)["diagnostics"][0]["code"], "PF002");

    // didClose clears the diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": lambda}}),
    );
    assert_eq!(c.diagnostics(&lambda)["diagnostics"], json!([]));

    // An unknown request is an error, not a crash.
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": page}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r["error"]["code"], -32601, "{r}");

    // shutdown, then exit: the process ends cleanly.
    let r = c.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = c.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn overrides_in_other_project_files_block_the_safe_fix() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(root.join("pyproject.toml"), "[project]\nname = \"p\"\n").unwrap();
    std::fs::write(
        root.join("sub.py"),
        "from page import PageProcess\n\n\nclass Special(PageProcess):\n    def single_process(self, page):\n        return 0\n",
    )
    .unwrap();
    let mut c = Client::start(&root);
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    let page = uri_of(&root.join("page.py"));
    let d = c.open(&page, CLASSIC);
    let message = d["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("overridden by"), "{message}");
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let _ = c.child.wait();
}
