//! Rules a schema cannot express: unique names, a resource claimed once, the quota, old
//! names (`previously`) that do not clash with current ones, a number listed once in a
//! WhatsApp binding, and a Viber application's
//! destination countries each listed once.

use super::file::DesiredChannel;
use super::tree::SpanMap;
use crate::diagnostic::Diagnostic;
use crate::model::{Resource, ResourceKind};
use rustc_hash::FxHashMap as HashMap;

/// One resource listed twice in one binding (a number twice in `phone_numbers`).
fn listed_twice(spans: &SpanMap, i: usize, r: &Resource, first: &str, second: &str) -> Diagnostic {
    Diagnostic::new(
        "chanctl::semantic::duplicate_number",
        format!("{r} is listed twice in one binding"),
        spans.value_span(&format!("/channels/{i}/binding/{second}")),
        "listed again",
    )
    .with_label(
        spans.value_span(&format!("/channels/{i}/binding/{first}")),
        "first listed here",
    )
    .with_help("each number is listed once: remove the second entry")
}

/// Every semantic problem among `channels` (each with its index in the file); `spans`
/// locates them in the source.
pub fn check(
    channels: &[(usize, &DesiredChannel)],
    quota: u32,
    spans: &SpanMap,
) -> Vec<Diagnostic> {
    check_partial(channels, channels.len(), Some(quota), spans)
}

/// Like [`check`], when only some of the file's `total` channels could be read; without a
/// valid `quota`, the quota is not checked.
pub fn check_partial(
    channels: &[(usize, &DesiredChannel)],
    total: usize,
    quota: Option<u32>,
    spans: &SpanMap,
) -> Vec<Diagnostic> {
    // The channel at index `i` of the file, for messages only (no map built for them).
    let at = |i: usize| channels.iter().find(|(j, _)| *j == i).map(|(_, c)| *c);
    let mut out = Vec::new();
    let mut names: HashMap<&str, usize> =
        HashMap::with_capacity_and_hasher(channels.len(), Default::default());
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

    // Keyed by kind and id as borrowed from the channels; the value is the channel and the
    // resource's place among the channel's resources. The keys that name a resource (the
    // field, `phone_numbers/N/phone_number` in a list) are built only for a message.
    let mut claimed: HashMap<(ResourceKind, &str), (usize, usize)> =
        HashMap::with_capacity_and_hasher(channels.len(), Default::default());
    let field_of = |c: &DesiredChannel, n: usize| -> std::borrow::Cow<'static, str> {
        let fields = c.binding.as_ref().map(|b| b.resource_fields());
        fields
            .and_then(|f| f.into_iter().nth(n))
            .map_or("".into(), |(_, field, _)| field)
    };
    for &(i, c) in channels {
        let Some(binding) = &c.binding else { continue };
        for (n, (kind, id)) in binding.resource_keys().enumerate() {
            let key = (kind, id);
            let Some(&(first, first_n)) = claimed.get(&key) else {
                claimed.insert(key, (i, n));
                continue;
            };
            let r = Resource::of(kind, id);
            let field = field_of(c, n);
            if first == i {
                out.push(listed_twice(spans, i, &r, &field_of(c, first_n), &field));
                continue;
            }
            let first_channel = at(first);
            let first_field = first_channel.map_or("".into(), |f| field_of(f, first_n));
            let a = first_channel.map_or("", |f| f.name.as_str());
            let b = &c.name;
            let (first_label, second_label) = if a == b {
                (
                    format!("bound to `{a}` (channel {})", first + 1),
                    format!("and to `{b}` (channel {})", i + 1),
                )
            } else {
                (format!("bound to `{a}`"), format!("and to `{b}`"))
            };
            out.push(
                Diagnostic::new(
                    "chanctl::semantic::resource_claimed_twice",
                    format!("{r} is bound to two channels"),
                    spans.value_span(&format!("/channels/{i}/binding/{field}")),
                    second_label,
                )
                .with_label(
                    spans.value_span(&format!("/channels/{first}/binding/{first_field}")),
                    first_label,
                )
                .with_help(
                    "a resource can be bound to one channel at a time: bind one of the \
                     channels to something else, or remove one of them",
                ),
            );
        }
    }

    let mut old_names: HashMap<&str, (usize, usize)> = HashMap::default();
    for &(i, c) in channels {
        for (j, old) in c.previously.iter().enumerate() {
            let pointer = format!("/channels/{i}/previously/{j}");
            if let Some(&owner) = names.get(old.as_str()) {
                let (message, current, help) = if owner == i {
                    (
                        format!("`{old}` is in `previously` but is still this channel's name"),
                        "its current name".to_string(),
                        "remove it from `previously`: a channel's old names cannot include \
                         its current name",
                    )
                } else {
                    (
                        format!("`{old}` is in `previously` but another channel has that name"),
                        format!("the current name of channel {}", owner + 1),
                        "`previously` lists the names a channel had before a rename, so none \
                         can be a current name: remove it from `previously`, or rename the \
                         other channel",
                    )
                };
                out.push(
                    Diagnostic::new(
                        "chanctl::semantic::previously_is_current",
                        message,
                        spans.value_span(&pointer),
                        "listed as an old name",
                    )
                    .with_label(
                        spans.value_span(&format!("/channels/{owner}/name")),
                        current,
                    )
                    .with_help(help),
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
                        .with_help(
                            "one live channel can be renamed into only one channel: keep the \
                             old name in one `previously` list",
                        ),
                    );
                }
            } else {
                old_names.insert(old, (i, j));
            }
        }
    }

    for &(i, c) in channels {
        if let Some(crate::model::Binding::Viber(v)) = &c.binding
            && let Some(audit) = &v.audit
        {
            out.extend(country_twice(i, audit, spans));
        }
    }

    let count = total;
    let quota = quota.map_or(usize::MAX, |q| q as usize);
    if count > quota {
        let (span, label) = match spans.get("/account/quota") {
            Some(p) => (p.value, format!("quota {quota}")),
            None => (
                spans.key_span("/channels"),
                format!("the default quota is {quota}"),
            ),
        };
        out.push(
            Diagnostic::new(
                "chanctl::semantic::over_quota",
                format!(
                    "{count} {} declared but the account quota is {quota}: {} over",
                    crate::render::plural(count, "channel is", "channels are"),
                    count - quota
                ),
                span,
                label,
            )
            .with_label(
                spans.value_span(&format!("/channels/{quota}")),
                format!("channel {}, the first over the quota", quota + 1),
            )
            .with_help(
                "remove channels, or raise the quota with Alibaba Cloud and set `account.quota`",
            ),
        );
    }
    out
}

/// A country that a Viber application of channel `i` lists twice as a destination (in one
/// list, or as both local and international): each is one or the other, once.
fn country_twice(i: usize, audit: &crate::model::ViberAudit, spans: &SpanMap) -> Vec<Diagnostic> {
    let lists = [
        ("destination_countries", &audit.destination_countries),
        (
            "international_destination_countries",
            &audit.international_destination_countries,
        ),
    ];
    let mut seen: HashMap<&str, String> = HashMap::default();
    let mut out = Vec::new();
    for (key, list) in lists {
        for (n, country) in list.iter().enumerate() {
            let pointer = format!("/channels/{i}/binding/audit/{key}/{n}");
            match seen.get(country.as_str()) {
                Some(first) => out.push(
                    Diagnostic::new(
                        "chanctl::semantic::viber_country_twice",
                        format!("the Viber application lists {country} twice as a destination"),
                        spans.value_span(&pointer),
                        "second time",
                    )
                    .with_label(spans.value_span(first), "first time")
                    .with_help(
                        "list each destination country once, as local (`destination_countries`) or \
                         international (`international_destination_countries`)",
                    ),
                ),
                None => {
                    seen.insert(country, pointer);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::config::load;
    use crate::diagnostic::Diagnostic;

    fn problems(src: &str) -> Vec<Diagnostic> {
        load(src).expect_err("the source is invalid")
    }

    fn label_texts(src: &str, d: &Diagnostic) -> Vec<String> {
        d.labels
            .iter()
            .map(|l| src[l.span.offset..l.span.offset + l.span.len].to_string())
            .collect()
    }

    #[test]
    fn a_resource_bound_twice_underlines_the_resource_in_both_channels() {
        let src = "version: 1\nchannels:\n  - name: a\n    type: whatsapp\n    binding:\n      waba_id: \"1\"\n      phone_number: \"+6588001234\"\n  - name: b\n    type: whatsapp\n    binding:\n      waba_id: \"2\"\n      phone_number: \"+6588001234\"\n";
        let d = problems(src);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "WhatsApp number +6588001234 is bound to two channels"
        );
        assert_eq!(
            label_texts(src, &d[0]),
            ["\"+6588001234\"", "\"+6588001234\""]
        );
        assert_eq!(
            d[0].offset(),
            src.rfind("\"+65").unwrap(),
            "the second claim"
        );
        assert_eq!(d[0].labels[0].text, "and to `b`");
        assert_eq!(d[0].labels[1].text, "bound to `a`");
    }

    #[test]
    fn over_quota_shows_the_first_channel_over_it() {
        let src = "version: 1\naccount:\n  quota: 1\nchannels:\n  - name: a\n    type: sms\n  - name: b\n    type: sms\n";
        let d = problems(src);
        assert_eq!(d.len(), 1);
        assert_eq!(label_texts(src, &d[0]), ["1", "name"]);
        assert_eq!(d[0].labels[1].span.offset, src.rfind("name").unwrap());
        assert!(d[0].labels[1].text.starts_with("channel 2"));
    }

    #[test]
    fn an_old_name_that_is_the_channels_own_name_says_so() {
        let src = "version: 1\nchannels:\n  - name: a\n    type: sms\n    previously: [a]\n";
        let d = problems(src);
        assert_eq!(
            d[0].message,
            "`a` is in `previously` but is still this channel's name"
        );
    }
}
