//! Rules a schema cannot express: unique names, a resource claimed once, the quota, and
//! old names (`previously`) that do not clash with current ones.

use super::file::DesiredChannel;
use super::load::SpanMap;
use crate::diagnostic::Diagnostic;
use crate::model::Resource;
use std::collections::HashMap;

/// Every semantic problem among `channels` (each with its index in the file); `spans`
/// locates them in the source.
pub fn check(
    channels: &[(usize, &DesiredChannel)],
    quota: u32,
    spans: &SpanMap,
) -> Vec<Diagnostic> {
    check_partial(channels, channels.len(), quota, spans)
}

/// Like [`check`], when only some of the file's `total` channels could be read.
pub fn check_partial(
    channels: &[(usize, &DesiredChannel)],
    total: usize,
    quota: u32,
    spans: &SpanMap,
) -> Vec<Diagnostic> {
    let by_index: HashMap<usize, &DesiredChannel> =
        channels.iter().map(|(i, c)| (*i, *c)).collect();
    let mut out = Vec::new();
    let mut names: HashMap<&str, usize> = HashMap::new();
    for &(i, c) in channels {
        if let Some(&first) = names.get(c.name.as_str()) {
            out.push(
                Diagnostic::new(
                    "chanctl::semantic::duplicate_name",
                    format!("two channels are named `{}`", c.name),
                    spans.value_span(&format!("/channels/{i}/name")),
                    "second use",
                )
                .with_label(
                    spans.value_span(&format!("/channels/{first}/name")),
                    "first use",
                )
                .with_help("channel names identify channels: give each a different name"),
            );
        } else {
            names.insert(&c.name, i);
        }
    }

    let mut claimed: HashMap<Resource, usize> = HashMap::new();
    for &(i, c) in channels {
        let Some(binding) = &c.binding else { continue };
        for r in binding.resources() {
            if let Some(&first) = claimed.get(&r) {
                if first == i {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        "chanctl::semantic::resource_claimed_twice",
                        format!(
                            "{r} is bound to both `{}` and `{}`",
                            by_index[&first].name, c.name
                        ),
                        spans.value_span(&format!("/channels/{i}/binding")),
                        "claimed again here",
                    )
                    .with_label(
                        spans.value_span(&format!("/channels/{first}/binding")),
                        "first claimed here",
                    )
                    .with_help("a resource can be bound to one channel at a time"),
                );
            } else {
                claimed.insert(r, i);
            }
        }
    }

    let mut old_names: HashMap<&str, (usize, usize)> = HashMap::new();
    for &(i, c) in channels {
        for (j, old) in c.previously.iter().enumerate() {
            let pointer = format!("/channels/{i}/previously/{j}");
            if let Some(&owner) = names.get(old.as_str()) {
                let whose = if owner == i {
                    "its own name".to_string()
                } else {
                    format!("the name of another channel (channel {})", owner + 1)
                };
                out.push(
                    Diagnostic::new(
                        "chanctl::semantic::previously_is_current",
                        format!("`{old}` is listed in `previously` but is {whose}"),
                        spans.value_span(&pointer),
                        "still a current name",
                    )
                    .with_label(
                        spans.value_span(&format!("/channels/{owner}/name")),
                        "current name",
                    )
                    .with_help("`previously` lists names a channel no longer has"),
                );
            } else if let Some(&(fi, fj)) = old_names.get(old.as_str()) {
                if fi != i {
                    out.push(
                        Diagnostic::new(
                            "chanctl::semantic::previously_twice",
                            format!("old name `{old}` is claimed by two channels"),
                            spans.value_span(&pointer),
                            "claimed again here",
                        )
                        .with_label(
                            spans.value_span(&format!("/channels/{fi}/previously/{fj}")),
                            "first claimed here",
                        )
                        .with_help("a live channel can be renamed into only one channel"),
                    );
                }
            } else {
                old_names.insert(old, (i, j));
            }
        }
    }

    let count = total;
    let quota = quota as usize;
    if count > quota {
        let span = spans
            .get("/account/quota")
            .map(|p| p.value)
            .unwrap_or_else(|| spans.key_span("/channels"));
        out.push(
            Diagnostic::new(
                "chanctl::semantic::over_quota",
                format!(
                    "{count} channels are declared but the account quota is {quota}: {} over",
                    count - quota
                ),
                span,
                format!("quota {quota}"),
            )
            .with_help(
                "remove channels, or raise the quota with Alibaba Cloud and set `account.quota`",
            ),
        );
    }
    out
}
