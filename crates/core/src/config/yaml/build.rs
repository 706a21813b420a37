//! The node tree, built straight from granit-parser's events in one pass.
//!
//! The event parser knows nothing of what the tree must guarantee, so this builder does it:
//! a byte span on every node and key, repeated keys kept (to be reported, all of them),
//! anchors, aliases and `<<` merges resolved, and every limit of [`super`] enforced before
//! the work or memory it bounds is spent (an alias is checked against the expansion budget
//! before its value is copied).

use super::resolve::{self, Refused};
use super::{
    MAX_ALIAS_ITEMS, MAX_ALIAS_NESTING, MAX_DEPTH, MAX_EVENTS, MAX_NODES, MAX_TEXT_BYTES, Node,
    Span, Value,
};
use granit_parser::{Event, Options, Parser, ScalarStyle, ScanError, Tag};
use rustc_hash::FxHashSet;
use std::borrow::Cow;

/// Why building stopped.
pub(super) enum Stop {
    /// The parser's own error.
    Scan(ScanError),
    /// A limit was reached at `at`.
    Limit(Limit, Span),
    /// A message in the words [`super::syntax::explain`] recognises, at `at`; `used` is where
    /// an alias uses the anchored value the problem is in.
    Message {
        message: String,
        at: Span,
        used: Option<Span>,
    },
}

/// The limits of [`super`], by name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Limit {
    Depth,
    Events,
    Nodes,
    TextBytes,
    AliasItems,
    AliasNesting,
}

/// What a finished node holds, for the limits: counted once per use.
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    /// Values (scalars, lists, mappings).
    nodes: usize,
    /// Parser events (values and the ends of lists and mappings).
    events: usize,
    /// Bytes of scalar text.
    text: usize,
    /// How deeply aliases nest inside.
    nesting: usize,
}

impl Size {
    fn add(&mut self, other: Size) {
        self.nodes += other.nodes;
        self.events += other.events;
        self.text += other.text;
        self.nesting = self.nesting.max(other.nesting);
    }
}

/// An anchored value, kept for its aliases.
struct Anchored {
    node: Node,
    size: Size,
}

/// A list or mapping still open.
struct Frame {
    span: Span,
    anchor: usize,
    size: Size,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// The next value is that of a `<<` key.
        merging: bool,
        /// The entries of `<<` values, in order; applied at the end of the mapping.
        merged: Vec<(Node, Node)>,
    },
}

struct Builder<'s> {
    source: &'s str,
    stack: Vec<Frame>,
    anchors: Vec<Option<Anchored>>,
    root: Option<Node>,
    documents: usize,
    events: usize,
    nodes: usize,
    text: usize,
    replayed: usize,
}

/// The parser's options: comments dropped (nothing reads them; kept, they would count), and
/// our nesting limit for flow collections, which its scanner enforces ahead of the events
/// (for block collections the builder's own check comes first).
fn options() -> Options {
    let mut options = Options::default();
    options.emit_comments = false;
    options.flow_nesting_limit = MAX_DEPTH;
    options.block_nesting_limit = MAX_DEPTH + 2;
    options
}

/// Parse `source` into a node tree (a null node for a file without a document).
pub(super) fn build(source: &str) -> Result<Node, Stop> {
    let mut b = Builder {
        source,
        stack: Vec::new(),
        anchors: Vec::new(),
        root: None,
        documents: 0,
        events: 0,
        nodes: 0,
        text: 0,
        replayed: 0,
    };
    let mut parser = Parser::new_from_str_with_options(source, options());
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(Stop::Scan)?;
        let at = b.span(&span);
        match event {
            Event::StreamStart | Event::DocumentEnd => {}
            Event::StreamEnd => break,
            Event::DocumentStart(..) => {
                b.documents += 1;
                if b.documents > 1 {
                    // Where the second document's content starts: its `---` is found from there.
                    return Err(Stop::Message {
                        message: "multiple YAML documents".to_string(),
                        at: Span {
                            offset: at.offset + at.len,
                            len: 0,
                        },
                        used: None,
                    });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                b.count(at, 1, text.len())?;
                let node = b.scalar(text, style, tag.as_deref(), at)?;
                let size = Size {
                    nodes: 1,
                    events: 1,
                    text: node_text(&node),
                    nesting: 0,
                };
                b.finish(node, size, anchor)?;
            }
            Event::SequenceStart(_, anchor, tag) => b.open(
                at,
                anchor,
                tag.as_deref(),
                "seq",
                FrameKind::Seq(Vec::new()),
            )?,
            Event::MappingStart(_, anchor, tag) => b.open(
                at,
                anchor,
                tag.as_deref(),
                "map",
                FrameKind::Map {
                    entries: Vec::new(),
                    key: None,
                    merging: false,
                    merged: Vec::new(),
                },
            )?,
            Event::SequenceEnd | Event::MappingEnd => b.close(at)?,
            Event::Alias(id) => b.alias(id, at)?,
            _ => {}
        }
    }
    Ok(b.root.unwrap_or(Node {
        value: Value::Null,
        span: Span::default(),
        defined: Span::default(),
    }))
}

/// Bytes of scalar text in a scalar node.
fn node_text(node: &Node) -> usize {
    match &node.value {
        Value::Str(s) => s.len(),
        _ => 0,
    }
}

impl Builder<'_> {
    fn span(&self, span: &granit_parser::Span) -> Span {
        let start = span.start.byte_offset().unwrap_or(0).min(self.source.len());
        let end = span
            .end
            .byte_offset()
            .unwrap_or(start)
            .clamp(start, self.source.len());
        Span {
            offset: start,
            len: end - start,
        }
    }

    /// Count one parser event that makes `nodes` values holding `text` bytes.
    fn count(&mut self, at: Span, nodes: usize, text: usize) -> Result<(), Stop> {
        self.events += 1;
        self.nodes += nodes;
        self.text += text;
        if self.events > MAX_EVENTS {
            return Err(Stop::Limit(Limit::Events, at));
        }
        if self.nodes > MAX_NODES {
            return Err(Stop::Limit(Limit::Nodes, at));
        }
        if self.text > MAX_TEXT_BYTES {
            return Err(Stop::Limit(Limit::TextBytes, at));
        }
        Ok(())
    }

    fn scalar(
        &self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        at: Span,
    ) -> Result<Node, Stop> {
        let value = match (tag, style) {
            // The common case: no conversion to try, the parser's string moves in.
            (None, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) => {
                Value::Str(text.into_owned())
            }
            _ => match resolve::scalar(&text, style, tag) {
                Ok(Value::Str(_)) if tag.is_none() => Value::Str(text.into_owned()),
                Ok(value) => value,
                Err(refused) => {
                    let tag = tag.map(Tag::original).unwrap_or_default();
                    return Err(Stop::Message {
                        message: refused.message(&tag),
                        at,
                        used: None,
                    });
                }
            },
        };
        Ok(Node {
            value,
            span: at,
            defined: at,
        })
    }

    /// A list or mapping starts.
    fn open(
        &mut self,
        at: Span,
        anchor: usize,
        tag: Option<&Tag>,
        core: &str,
        kind: FrameKind,
    ) -> Result<(), Stop> {
        if let Some(tag) = tag
            && resolve::core_name(tag) != Some(core)
        {
            return Err(Stop::Message {
                message: Refused::UnsupportedTag.message(&tag.original()),
                at,
                used: None,
            });
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(Stop::Limit(Limit::Depth, at));
        }
        self.count(at, 1, 0)?;
        self.stack.push(Frame {
            span: at,
            anchor,
            size: Size {
                nodes: 1,
                events: 2,
                text: 0,
                nesting: 0,
            },
            kind,
        });
        Ok(())
    }

    /// The innermost list or mapping ends.
    fn close(&mut self, at: Span) -> Result<(), Stop> {
        self.events += 1;
        if self.events > MAX_EVENTS {
            return Err(Stop::Limit(Limit::Events, at));
        }
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (value, first) = match frame.kind {
            FrameKind::Seq(items) => {
                let first = items.first().map(|i| (i.span, i.defined, true));
                (Value::Seq(items), first)
            }
            FrameKind::Map {
                mut entries,
                merged,
                ..
            } => {
                if !merged.is_empty() {
                    apply_merges(&mut entries, merged);
                }
                let first = entries.first().map(|(k, _)| (k.span, k.defined, false));
                (Value::Map(entries), first)
            }
        };
        let mut node = Node {
            value,
            span: frame.span,
            defined: frame.span,
        };
        // A block collection has an empty span at its start: give it its first entry's.
        if let Some((span, defined, from_start)) = first {
            node.span = super::widen(node.span, span, from_start, self.source);
            node.defined = super::widen(node.defined, defined, from_start, self.source);
        }
        self.finish(node, frame.size, frame.anchor)
    }

    /// `*name`: a copy of the anchored value, used here.
    fn alias(&mut self, id: usize, at: Span) -> Result<(), Stop> {
        let Some(Some(anchored)) = self.anchors.get(id) else {
            // Still open: the alias is inside the value it refers to.
            return Err(Stop::Message {
                message: "recursive references".to_string(),
                at,
                used: None,
            });
        };
        let mut size = anchored.size;
        size.nesting += 1;
        if size.nesting > MAX_ALIAS_NESTING {
            return Err(Stop::Limit(Limit::AliasNesting, at));
        }
        self.replayed += size.events;
        if self.replayed > MAX_ALIAS_ITEMS {
            return Err(Stop::Limit(Limit::AliasItems, at));
        }
        // Checked before the copy (the alias budget exists to refuse it); `count` cannot be
        // called while `anchored` borrows the anchors, hence the same checks written here.
        self.events += 1;
        self.nodes += size.nodes;
        self.text += size.text;
        if self.events > MAX_EVENTS {
            return Err(Stop::Limit(Limit::Events, at));
        }
        if self.nodes > MAX_NODES {
            return Err(Stop::Limit(Limit::Nodes, at));
        }
        if self.text > MAX_TEXT_BYTES {
            return Err(Stop::Limit(Limit::TextBytes, at));
        }
        let mut node = anchored.node.clone();
        used_at(&mut node, at);
        self.finish(node, size, 0)
    }

    /// A value is complete: remember its anchor, and put it in its list or mapping.
    fn finish(&mut self, node: Node, size: Size, anchor: usize) -> Result<(), Stop> {
        if anchor != 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize_with(anchor + 1, || None);
            }
            self.anchors[anchor] = Some(Anchored {
                node: node.clone(),
                size,
            });
        }
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        parent.size.add(size);
        match &mut parent.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map {
                entries,
                key,
                merging,
                merged,
            } => {
                if *merging {
                    *merging = false;
                    merge_entries(node, merged)?;
                } else if let Some(k) = key.take() {
                    entries.push((k, node));
                } else if is_merge_key(&node, self.source) {
                    *merging = true;
                } else {
                    *key = Some(node);
                }
            }
        }
        Ok(())
    }
}

/// A plain `<<` key.
fn is_merge_key(key: &Node, source: &str) -> bool {
    matches!(&key.value, Value::Str(s) if s == "<<")
        && source.get(key.defined.offset..key.defined.offset + key.defined.len) == Some("<<")
}

/// Every node of `node`'s tree is used at `at` (an alias, or a merge).
fn used_at(node: &mut Node, at: Span) {
    node.span = at;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| used_at(i, at)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            used_at(k, at);
            used_at(v, at);
        }),
        _ => {}
    }
}

/// The entries a `<<` value brings: a mapping's, or those of each mapping of a list, the
/// first of a key winning. Each is used where the value (or the list's item) is.
fn merge_entries(value: Node, merged: &mut Vec<(Node, Node)>) -> Result<(), Stop> {
    let not_a_mapping = |n: &Node| Stop::Message {
        message: "merge value must be a mapping or a list of mappings".to_string(),
        at: n.defined,
        used: (n.span != n.defined).then_some(n.span),
    };
    let at = value.span;
    match value.value {
        Value::Null => Ok(()),
        Value::Map(entries) => {
            merged.extend(entries.into_iter().map(|(mut k, mut v)| {
                used_at(&mut k, at);
                used_at(&mut v, at);
                (k, v)
            }));
            Ok(())
        }
        Value::Seq(items) => {
            for item in items {
                if !matches!(item.value, Value::Map(_)) {
                    return Err(not_a_mapping(&item));
                }
                merge_entries(item, merged)?;
            }
            Ok(())
        }
        _ => Err(not_a_mapping(&value)),
    }
}

/// Add the merged entries whose keys the mapping (or an earlier merge) does not have.
fn apply_merges(entries: &mut Vec<(Node, Node)>, merged: Vec<(Node, Node)>) {
    let mut seen: FxHashSet<String> = entries.iter().filter_map(|(k, _)| key_id(k)).collect();
    for (k, v) in merged {
        let new = key_id(&k).is_none_or(|id| seen.insert(id));
        if new {
            entries.push((k, v));
        }
    }
}

/// A key's identity, for merges: its kind and text.
fn key_id(k: &Node) -> Option<String> {
    Some(match &k.value {
        Value::Null => "n".to_string(),
        Value::Bool(b) => format!("b{b}"),
        Value::Int(i) => format!("i{i}"),
        Value::Float(f) => format!("f{f}"),
        Value::Str(s) => format!("s{s}"),
        Value::Seq(_) | Value::Map(_) => return None,
    })
}
