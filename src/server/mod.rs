//! `picklefix server`: a language server over stdin/stdout, for editors.
//!
//! Built on rust-analyzer's `lsp-server` (transport, JSON-RPC, the initialize/shutdown
//! handshake) and `lsp-types` (the protocol's types). Documents are synced whole; on open
//! and on every change the document is checked as it is in the editor — settings from the
//! nearest `pyproject.toml` with a `[tool.picklefix]` table, override detection over the
//! project's files on disk — and its findings are published as diagnostics. Code actions
//! offer each finding's fix (unsafe ones labelled), a `# noqa` suppression, and
//! `source.fixAll.picklefix` for every fix that `--write` would apply.

mod convert;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Diagnostic, DiagnosticSeverity, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    InitializeParams, NumberOrString, PublishDiagnosticsParams, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Url, WorkspaceEdit,
};

use crate::check::{fix_all, Finding};
use crate::cli::{root_settings, Overrides};
use crate::document::{project_index, scope_in};
use crate::edit::Applicability;
use crate::hierarchy::AnalysisScope;
use crate::index::ProjectIndex;
use crate::project::locate;
use crate::rules::Rule;
use crate::settings::{Mode, Settings};
use crate::FileResult;
use convert::{minimal_edit, LineIndex};

/// The code action kind of "apply every fix".
pub const FIX_ALL: &str = "source.fixAll.picklefix";

/// Serve on stdin/stdout until the client says `shutdown` and `exit`.
pub fn run_stdio() -> anyhow::Result<()> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}

/// The whole session on one connection: handshake, then the message loop.
pub fn serve(connection: &Connection) -> anyhow::Result<()> {
    let (id, params) = connection.initialize_start()?;
    // Parsed to fail early on a client that is not speaking LSP; each document finds its
    // own settings from its path, so the workspace folders themselves are not needed.
    let _: InitializeParams = serde_json::from_value(params)?;
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "picklefix".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server {
        sender: connection.sender.clone(),
        documents: HashMap::new(),
        projects: HashMap::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                server.on_request(request);
            }
            Message::Notification(n) => server.on_notification(n),
            // We send no requests, so no response is expected.
            Message::Response(_) => {}
        }
    }
    Ok(())
}

struct Document {
    text: String,
    version: i32,
}

struct Server {
    sender: crossbeam_channel::Sender<Message>,
    documents: HashMap<Url, Document>,
    /// The index of each project's files on disk (by project folder), built once and again
    /// after a save.
    projects: HashMap<PathBuf, Arc<ProjectIndex>>,
}

/// A checked document.
struct Checked {
    file: FileResult,
    settings: Settings,
    /// The project it was checked in.
    scope: AnalysisScope,
    /// The editor's text differs from ours by a leading BOM, which we strip.
    bom: bool,
}

impl Server {
    fn send(&self, message: impl Into<Message>) {
        // The client went away: the loop ends when the receiver closes.
        let _ = self.sender.send(message.into());
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = n.extract::<DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD) {
                    let doc = Document {
                        text: p.text_document.text,
                        version: p.text_document.version,
                    };
                    self.documents.insert(p.text_document.uri.clone(), doc);
                    self.publish(&p.text_document.uri);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
                {
                    // Full sync: the last change holds the whole text.
                    if let (Some(doc), Some(change)) = (
                        self.documents.get_mut(&p.text_document.uri),
                        p.content_changes.into_iter().last(),
                    ) {
                        doc.text = change.text;
                        doc.version = p.text_document.version;
                    }
                    self.publish(&p.text_document.uri);
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) = n.extract::<DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD) {
                    // Its classes on disk changed: re-read the project, re-check its documents.
                    if let Some(path) = path_of(&p.text_document.uri) {
                        self.projects.remove(&locate(&path).path);
                    }
                    let open: Vec<Url> = self.documents.keys().cloned().collect();
                    for uri in open {
                        self.publish(&uri);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = n.extract::<DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                {
                    self.documents.remove(&p.text_document.uri);
                    self.send_diagnostics(p.text_document.uri, Vec::new(), None);
                }
            }
            _ => {}
        }
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        match request.method.as_str() {
            CodeActionRequest::METHOD => {
                match request.extract::<CodeActionParams>(CodeActionRequest::METHOD) {
                    Ok((id, params)) => {
                        let actions = self.code_actions(&params);
                        self.send(Response::new_ok(id, actions));
                    }
                    Err(e) => self.fail(id, ErrorCode::InvalidParams, format!("{e:?}")),
                }
            }
            method => self.fail(
                id,
                ErrorCode::MethodNotFound,
                format!("picklefix does not handle `{method}`"),
            ),
        }
    }

    fn fail(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message));
    }

    fn send_diagnostics(&self, uri: Url, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        ));
    }

    fn publish(&mut self, uri: &Url) {
        let version = self.documents.get(uri).map(|d| d.version);
        let diagnostics = match self.check(uri, Mode::Check) {
            Some(c) => {
                let text = c.file.source.as_ref().map_or("", |s| s.text.as_str());
                let index = LineIndex::new(text);
                c.file
                    .findings
                    .iter()
                    .map(|f| diagnostic(f, &index, c.bom))
                    .collect()
            }
            None => Vec::new(),
        };
        self.send_diagnostics(uri.clone(), diagnostics, version);
    }

    /// Check the document as the editor holds it. `None` when it is not ours to check
    /// (excluded, unreadable configuration, not Python) — no diagnostics then.
    fn check(&mut self, uri: &Url, mode: Mode) -> Option<Checked> {
        let doc = self.documents.get(uri)?;
        let path = path_of(uri).unwrap_or_else(|| PathBuf::from(uri.path()));
        let root = match root_settings(&path, &Overrides::default()) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("picklefix server: {e}");
                return None;
            }
        };
        let base = Settings {
            mode,
            show_diff: false,
            ..Settings::default()
        };
        let settings = base.for_root(&root);
        if crate::discover::explicitly_excluded(&path, &settings) {
            return None;
        }
        let bytes = doc.text.as_bytes().to_vec();
        let bom = doc.text.starts_with('\u{feff}');
        let scope = if path_of(uri).is_some() {
            let index = self
                .projects
                .entry(locate(&path).path)
                .or_insert_with(|| Arc::new(project_index(&path, &settings)));
            scope_in(Arc::clone(index), &path)
        } else {
            // An unsaved buffer (`untitled:`) belongs to no project.
            AnalysisScope::alone(&path)
        };
        let file = crate::run_text(path, bytes, &settings, &scope);
        // A syntax error mid-typing: the editor's Python server reports it, not us.
        if file.error.is_some() && file.findings.is_empty() {
            return None;
        }
        Some(Checked {
            file,
            settings,
            scope,
            bom,
        })
    }

    fn code_actions(&mut self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let only = params.context.only.as_deref();
        let wanted = |kind: &str| {
            only.is_none_or(|kinds| {
                kinds
                    .iter()
                    .any(|k| kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str())))
            })
        };
        let Some(checked) = self.check(uri, Mode::Check) else {
            return Vec::new();
        };
        let Some(source) = checked.file.source.as_ref() else {
            return Vec::new();
        };
        let text = source.text.as_str();
        let index = LineIndex::new(text);
        let shift = |r: lsp_types::Range| unshift_range(r, checked.bom);
        let asked = shift(params.range);
        let (from, to) = (index.offset(asked.start), index.offset(asked.end));
        let edit = |edits: Vec<TextEdit>| WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        };
        let mut actions = Vec::new();
        if wanted(CodeActionKind::QUICKFIX.as_str()) {
            for f in &checked.file.findings {
                // Findings touching the asked range (a cursor is an empty range).
                if f.range.end < from || f.range.start > to {
                    continue;
                }
                let diag = diagnostic(f, &index, checked.bom);
                if let Some(fix) = &f.fix {
                    let label = match fix.applicability {
                        Applicability::Safe => "",
                        _ => " (unsafe fix: may change behaviour)",
                    };
                    let edits = fix
                        .edits
                        .iter()
                        .map(|e| TextEdit {
                            range: shift_range(index.range(&e.range), checked.bom),
                            new_text: e.content.clone(),
                        })
                        .collect();
                    actions.push(CodeAction {
                        title: format!("{}: {}{label}", f.rule.code(), fix.message),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diag.clone()]),
                        edit: Some(edit(edits)),
                        is_preferred: Some(fix.applicability == Applicability::Safe),
                        ..CodeAction::default()
                    });
                }
                let suppress =
                    crate::noqa::add_noqa(text, std::slice::from_ref(f), |_| Ok(Vec::new()));
                if let Some(added) = suppress.ok().filter(|a| a.suppressed > 0) {
                    let (range, new_text) = minimal_edit(text, &added.text);
                    actions.push(CodeAction {
                        title: format!("{}: suppress with `# noqa`", f.rule.code()),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diag]),
                        edit: Some(edit(vec![TextEdit {
                            range: shift_range(index.range(&range), checked.bom),
                            new_text,
                        }])),
                        ..CodeAction::default()
                    });
                }
            }
        }
        if wanted(FIX_ALL) {
            let fixed = fix_all(
                text,
                &checked.file.findings,
                &checked.settings,
                &checked.scope,
            );
            if fixed.text != text && fixed.rejected.is_none() {
                let (range, new_text) = minimal_edit(text, &fixed.text);
                actions.push(CodeAction {
                    title: "picklefix: apply every safe fix".to_string(),
                    kind: Some(CodeActionKind::new(FIX_ALL)),
                    edit: Some(edit(vec![TextEdit {
                        range: shift_range(index.range(&range), checked.bom),
                        new_text,
                    }])),
                    ..CodeAction::default()
                });
            }
        }
        actions
            .into_iter()
            .map(CodeActionOrCommand::CodeAction)
            .collect()
    }
}

fn path_of(uri: &Url) -> Option<PathBuf> {
    (uri.scheme() == "file")
        .then(|| uri.to_file_path().ok())
        .flatten()
}

/// Our positions are in the text without its BOM; the editor's line 0 still has it.
fn shift_range(mut r: lsp_types::Range, bom: bool) -> lsp_types::Range {
    if bom {
        for p in [&mut r.start, &mut r.end] {
            if p.line == 0 {
                p.character += 1;
            }
        }
    }
    r
}

fn unshift_range(mut r: lsp_types::Range, bom: bool) -> lsp_types::Range {
    if bom {
        for p in [&mut r.start, &mut r.end] {
            if p.line == 0 {
                p.character = p.character.saturating_sub(1);
            }
        }
    }
    r
}

fn diagnostic(f: &Finding, index: &LineIndex, bom: bool) -> Diagnostic {
    let mut message = f.message.clone();
    if let Some(reason) = &f.reason {
        message.push_str(&format!(" (not fixed: {reason})"));
    }
    match f.fix.as_ref().map(|x| x.applicability) {
        Some(Applicability::Safe) => message.push_str(" [fix available]"),
        Some(Applicability::Unsafe) => message.push_str(" [unsafe fix available]"),
        _ => {}
    }
    Diagnostic {
        range: shift_range(index.range(&f.range), bom),
        severity: Some(if f.rule == Rule::UnknownPool {
            DiagnosticSeverity::INFORMATION
        } else {
            DiagnosticSeverity::WARNING
        }),
        code: Some(NumberOrString::String(f.rule.code().to_string())),
        source: Some("picklefix".to_string()),
        message,
        ..Diagnostic::default()
    }
}
