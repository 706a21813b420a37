//! The documented request rates of CAMS operations (`fidelity.md`, Rate limits), in one
//! table: the client paces each operation at the lower of this and `--qps`, and the emulator
//! throttles at it. Operations without a documented figure have none here.

/// Each operation with a documented rate, and the rate (requests per second).
pub const DOCUMENTED: &[(&str, u32)] = &[
    // Template reads and deletes: 5/s.
    ("ListChatappTemplate", 5),
    ("GetChatappTemplateDetail", 5),
    ("DeleteChatappTemplate", 5),
    // Template writes: 50/s.
    ("CreateChatappTemplate", 50),
    ("ModifyChatappTemplate", 50),
    // Channel and WABA operations: 10/s.
    ("ChatappBindWaba", 10),
    ("QueryChatappBindWaba", 10),
    ("QueryChatappPhoneNumbers", 10),
];

/// Requests per second the documentation gives for `action`, if it gives one.
pub fn documented_qps(action: &str) -> Option<u32> {
    DOCUMENTED
        .iter()
        .find(|(a, _)| *a == action)
        .map(|(_, q)| *q)
}

/// The rate to keep to for `action` when the caller asks for `qps` (0: no limit of its own).
pub fn pace(action: &str, qps: u32) -> u32 {
    match (documented_qps(action), qps) {
        (Some(d), 0) => d,
        (Some(d), q) => d.min(q),
        (None, q) => q,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lower_of_the_documented_rate_and_the_callers_wins() {
        assert_eq!(pace("ListChatappTemplate", 10), 5);
        assert_eq!(pace("ListChatappTemplate", 0), 5);
        assert_eq!(pace("CreateChatappTemplate", 10), 10);
        assert_eq!(pace("ListInstance", 10), 10);
        assert_eq!(pace("ListInstance", 0), 0);
    }
}
