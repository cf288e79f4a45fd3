//! tree-sitter setup and small node helpers shared by the analysis passes.
//!
//! Every walk over the tree is iterative (a `TreeCursor` pre-order), so a pathologically
//! deep expression cannot overflow the stack.

use std::cell::RefCell;
use tree_sitter::{Node, Parser, Tree};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse Python source; `None` only if tree-sitter gives up (it never should for text input).
pub fn parse(text: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(text, None)
    })
}

/// The first syntax error in the tree, as a byte offset, if any.
pub fn first_error(tree: &Tree) -> Option<usize> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Some(node.start_byte());
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return Some(root.start_byte());
            }
        }
    }
}

/// Count of error and missing nodes: a rewrite must not add any.
pub fn error_count(tree: &Tree) -> usize {
    let root = tree.root_node();
    if !root.has_error() {
        return 0;
    }
    descendants(root)
        .filter(|n| n.is_error() || n.is_missing())
        .count()
}

pub fn text<'s>(node: Node, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// Pre-order iterator over `node` and all its descendants, without recursion.
pub fn descendants(node: Node) -> Descendants {
    Descendants {
        cursor: node.walk(),
        done: false,
        started: false,
        depth: 0,
    }
}

pub struct Descendants<'t> {
    cursor: tree_sitter::TreeCursor<'t>,
    done: bool,
    started: bool,
    /// Tracked by hand: `TreeCursor::depth` walks the cursor's stack, which made deep
    /// trees quadratic.
    depth: usize,
}

impl<'t> Iterator for Descendants<'t> {
    type Item = Node<'t>;
    fn next(&mut self) -> Option<Node<'t>> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            return Some(self.cursor.node());
        }
        if self.cursor.goto_first_child() {
            self.depth += 1;
            return Some(self.cursor.node());
        }
        loop {
            // depth 0 is the node we started from: never walk its siblings.
            if self.depth == 0 {
                self.done = true;
                return None;
            }
            if self.cursor.goto_next_sibling() {
                return Some(self.cursor.node());
            }
            if !self.cursor.goto_parent() {
                self.done = true;
                return None;
            }
            self.depth -= 1;
        }
    }
}

pub fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

pub fn children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

/// Positional arguments and keyword arguments of a call's `argument_list`.
pub struct Args<'t> {
    pub positional: Vec<Node<'t>>,
    pub keywords: Vec<(String, Node<'t>)>,
    /// `*xs` or `**kw` present: positions after it are unknown.
    pub has_splat: bool,
}

pub fn call_args<'t>(call: Node<'t>, src: &str) -> Args<'t> {
    let mut args = Args {
        positional: Vec::new(),
        keywords: Vec::new(),
        has_splat: false,
    };
    let Some(list) = call.child_by_field_name("arguments") else {
        return args;
    };
    if list.kind() != "argument_list" {
        return args;
    }
    for child in named_children(list) {
        match child.kind() {
            "keyword_argument" => {
                if let (Some(name), Some(value)) = (
                    child.child_by_field_name("name"),
                    child.child_by_field_name("value"),
                ) {
                    args.keywords.push((text(name, src).to_string(), value));
                }
            }
            "list_splat" | "dictionary_splat" => args.has_splat = true,
            "comment" => {}
            _ if !args.has_splat => args.positional.push(child),
            _ => {}
        }
    }
    args
}

impl<'t> Args<'t> {
    /// The argument bound to parameter `name` at position `index` (keyword wins).
    pub fn get(&self, index: Option<usize>, name: &str) -> Option<Node<'t>> {
        if let Some((_, v)) = self.keywords.iter().find(|(k, _)| k == name) {
            return Some(*v);
        }
        index.and_then(|i| self.positional.get(i).copied())
    }
}

/// Unwrap `(expr)` parentheses.
pub fn strip_parens(mut node: Node) -> Node {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) if inner.kind() != "comment" => node = inner,
            _ => break,
        }
    }
    node
}

/// The value of a plain string literal (no f-string, no concatenation), without quotes.
pub fn string_value<'s>(node: Node, src: &'s str) -> Option<&'s str> {
    if node.kind() != "string" {
        return None;
    }
    let mut content = None;
    for child in named_children(node) {
        match child.kind() {
            "string_start" | "string_end" => {}
            "string_content" => content = Some(text(child, src)),
            _ => return None,
        }
    }
    Some(content.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descendants_stay_inside_the_node() {
        let src = "def f():\n    return 1\nx = 2\n";
        let tree = parse(src).unwrap();
        let f = tree.root_node().named_child(0).unwrap();
        let kinds: Vec<&str> = descendants(f).map(|n| n.kind()).collect();
        assert!(kinds.contains(&"return_statement"));
        assert!(!kinds.contains(&"assignment"), "{kinds:?}");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 100_000;
        let src = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        let tree = parse(&src).unwrap();
        assert!(descendants(tree.root_node()).count() > 10);
    }

    #[test]
    fn finds_syntax_errors() {
        let tree = parse("def f(:\n  pass\n").unwrap();
        assert!(first_error(&tree).is_some());
        assert!(error_count(&tree) > 0);
        assert_eq!(first_error(&parse("x = 1\n").unwrap()), None);
    }

    #[test]
    fn args_by_position_and_keyword() {
        let src = "f(a, b, initializer=c)\n";
        let tree = parse(src).unwrap();
        let call = descendants(tree.root_node())
            .find(|n| n.kind() == "call")
            .unwrap();
        let args = call_args(call, src);
        assert_eq!(text(args.get(Some(1), "x").unwrap(), src), "b");
        assert_eq!(text(args.get(Some(5), "initializer").unwrap(), src), "c");
        assert!(args.get(Some(5), "nope").is_none());
    }
}
