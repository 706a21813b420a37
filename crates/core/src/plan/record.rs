//! What a plan records of the account it was made from: a digest per live channel and
//! template, and their fingerprint, so that `apply PLAN` can tell whether the account moved
//! since the plan was saved, and name what changed ([`super::staleness`]).
//!
//! Only a plan that is saved or printed as JSON needs the record; a plan shown as text or
//! Markdown, or applied at once, never reads it. A plan made from a shared live state
//! ([`super::build_shared`]) therefore computes it the first time it is read (serialising
//! the plan reads it), from that state: the plan's value and its JSON are the same whether
//! the record was computed early or late.

use super::stale::{LiveDigest, channel_digests, template_digests};
use crate::model::{LiveState, fingerprint_of};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::{Arc, OnceLock};

/// Live channels from which [`RecordedLive::of`] shares the digests with the helper thread
/// (below, handing them over costs more than it saves).
const HALVES_FROM: usize = 512;

/// The record, as the plan's JSON holds it (two fields of the plan).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RecordedLive {
    /// Fingerprint of the live state the plan was computed from.
    pub live_fingerprint: String,
    /// A digest per live channel, so that a stale saved plan can say what changed.
    #[serde(default)]
    pub live_channels: Vec<LiveDigest>,
}

impl RecordedLive {
    /// The record of `live`. For a large account the helper thread computes the second half
    /// of the channels' digests meanwhile.
    pub fn of(live: &LiveState) -> Self {
        let mut live_channels = if live.channels.len() < HALVES_FROM {
            channel_digests(&live.channels)
        } else {
            let (first, second) = live.channels.split_at(live.channels.len() / 2);
            let (mut rest, mut all) =
                crate::beside::beside(|| channel_digests(second), || channel_digests(first));
            all.append(&mut rest);
            all
        };
        live_channels.extend(template_digests(live));
        RecordedLive::from_digests(live_channels)
    }

    /// The record of the live state whose digests ([`super::digests`]) these are.
    pub fn from_digests(live_channels: Vec<LiveDigest>) -> Self {
        RecordedLive {
            live_fingerprint: fingerprint_of(
                live_channels
                    .iter()
                    .map(|d| (d.id.as_str(), d.digest.as_str())),
            ),
            live_channels,
        }
    }
}

/// The record of a plan: known, or computed from the live state when first read.
#[derive(Clone, Default)]
pub struct LiveRecord {
    /// The live state the record is computed from, until it is.
    from: Option<Arc<LiveState>>,
    known: OnceLock<RecordedLive>,
}

impl LiveRecord {
    /// A record known already (a plan read back from JSON, or built by [`super::build`]).
    pub fn known(recorded: RecordedLive) -> Self {
        LiveRecord {
            from: None,
            known: OnceLock::from(recorded),
        }
    }

    /// The record of `live`, computed when first read.
    pub fn of(live: Arc<LiveState>) -> Self {
        LiveRecord {
            from: Some(live),
            known: OnceLock::new(),
        }
    }

    /// The record, computed now if it was not yet.
    pub fn get(&self) -> &RecordedLive {
        self.known.get_or_init(|| match &self.from {
            Some(live) => RecordedLive::of(live),
            None => RecordedLive::default(),
        })
    }

    /// Fingerprint of the live state the plan was computed from.
    pub fn fingerprint(&self) -> &str {
        &self.get().live_fingerprint
    }

    /// A digest per live channel and template.
    pub fn channels(&self) -> &[LiveDigest] {
        &self.get().live_channels
    }
}

impl std::fmt::Debug for LiveRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl PartialEq for LiveRecord {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Serialize for LiveRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for LiveRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RecordedLive::deserialize(deserializer).map(LiveRecord::known)
    }
}

impl JsonSchema for LiveRecord {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        RecordedLive::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RecordedLive::json_schema(generator)
    }

    fn inline_schema() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LiveChannel;

    fn state() -> LiveState {
        LiveState::new(vec![LiveChannel::sms("1", "a"), LiveChannel::sms("2", "b")])
    }

    #[test]
    fn computed_late_is_the_record_computed_early() {
        let live = state();
        let early = LiveRecord::known(RecordedLive::of(&live));
        let late = LiveRecord::of(Arc::new(live.clone()));
        assert_eq!(late.fingerprint(), live.fingerprint());
        assert_eq!(late.channels().len(), 2);
        assert_eq!(early, late);
        assert_eq!(
            serde_json::to_value(&early).unwrap(),
            serde_json::to_value(&late).unwrap()
        );
    }

    #[test]
    fn a_large_account_is_recorded_as_a_small_one_is() {
        let channels = (0..HALVES_FROM + 3)
            .map(|i| LiveChannel::sms(&format!("{i:05}"), &format!("c{i}")))
            .collect();
        let live = LiveState::new(channels);
        let recorded = RecordedLive::of(&live);
        assert_eq!(recorded.live_channels, crate::plan::digests(&live));
        let serial = crate::plan::digests(&live);
        assert_eq!(
            recorded.live_fingerprint,
            fingerprint_of(serial.iter().map(|d| (d.id.as_str(), d.digest.as_str())))
        );
    }

    #[test]
    fn a_record_read_back_is_the_one_written() {
        let late = LiveRecord::of(Arc::new(state()));
        let text = serde_json::to_string(&late).unwrap();
        assert!(text.contains("\"live_fingerprint\":\"sha256:"), "{text}");
        let back: LiveRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(back, late);
        let other = LiveRecord::of(Arc::new(LiveState::new(vec![LiveChannel::sms("1", "a")])));
        assert_ne!(back, other);
    }
}
