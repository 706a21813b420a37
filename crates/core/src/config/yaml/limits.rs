//! What to say when a file runs into one of the parser's limits.
//!
//! The limits (nesting depth, number of values, alias expansion, ...) keep any input from
//! making the parser work or allocate without bound. The parser reports a breach in its own
//! terms; this module names the limit in words a user can act on, and points at the alias
//! that reached it when there is one.

use super::build::Limit;
use super::scan::alias_at;
use super::{
    MAX_ALIAS_ITEMS, MAX_ALIAS_NESTING, MAX_DEPTH, MAX_EVENTS, MAX_NODES, MAX_TEXT_BYTES, Span,
    SyntaxError,
};

/// `n` with a comma between groups of three digits.
pub(super) fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The diagnostic for an input that ran into one of the parser's limits, naming the limit.
pub(super) fn limit_error(source: &str, limit: Limit, span: Span) -> SyntaxError {
    let nesting = || {
        (
            format!(
                "the file nests lists and mappings more than {MAX_DEPTH} levels deep; chanctl \
                 stops there"
            ),
            "too deep".to_string(),
            "a channels file needs four levels (the file, the `channels` list, a channel, its \
             binding): check that this is the file you meant"
                .to_string(),
        )
    };
    let expansion = |what: String| {
        (
            what,
            "the limit is reached here".to_string(),
            "every `*alias` copies its anchored value, with the aliases inside it, so aliases \
             of aliases multiply (the \"billion laughs\" file): write the values out, or use \
             fewer levels of aliases"
                .to_string(),
        )
    };
    let (message, label, help) = match limit {
        Limit::Depth => nesting(),
        Limit::Events => (
            format!(
                "the file is too large to be a channels file: more than {} YAML items; \
                 chanctl stops there",
                grouped(MAX_EVENTS)
            ),
            "the limit is reached here".to_string(),
            "every value, alias and end of a list or mapping counts".to_string(),
        ),
        Limit::Nodes => (
            format!(
                "the file holds more than {} values; chanctl stops there",
                grouped(MAX_NODES)
            ),
            "the limit is reached here".to_string(),
            "every key, value, list and mapping counts, each time it is used through an \
             alias; 10,000 channels are about 120,000"
                .to_string(),
        ),
        Limit::TextBytes => (
            format!(
                "the values of the file hold more than {} MiB of text; chanctl stops there",
                MAX_TEXT_BYTES / (1024 * 1024)
            ),
            "the limit is reached here".to_string(),
            "a value used through an alias counts each time it is used: check for a huge \
             value, or one repeated through many aliases"
                .to_string(),
        ),
        Limit::AliasItems => expansion(format!(
            "aliases expand to more than {} YAML items; chanctl stops there",
            grouped(MAX_ALIAS_ITEMS)
        )),
        Limit::AliasNesting => expansion(format!(
            "aliases nest more than {MAX_ALIAS_NESTING} levels deep (an alias in an anchored \
             value used through an alias, and so on); chanctl stops there"
        )),
    };
    SyntaxError {
        message,
        // The alias whose expansion reached the limit, when it is one.
        span: alias_at(source, span).unwrap_or(span),
        label,
        help: Some(help),
        related: Vec::new(),
    }
}
