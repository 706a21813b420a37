//! The plan's line on API calls, shared by the text and Markdown renderings: how many calls
//! apply will make, how long they take at the client's rate limit, and the retries they are
//! expected to need at the rate reading the account saw (so that a slow, throttled account's
//! estimate says so instead of counting each call once).

use super::plural;
use crate::plan::ApiBudget;

/// The plan's API calls and their time, with the retries they are expected to need at the
/// rate reading the account saw (when it was counted).
pub fn api_calls(b: &ApiBudget) -> String {
    let time = format!(
        "about {:.0} s at {} requests/s per operation",
        b.seconds.ceil(),
        b.qps
    );
    match b.read {
        None => format!("API calls: {} ({time}, before retries).", b.calls),
        Some(read) if read.retries == 0 => format!(
            "API calls: {} ({time}; reading the account needed no retries).",
            b.calls
        ),
        Some(read) => format!(
            "API calls: {}, and about {} {} at the rate reading the account saw ({} of its {} {} \
             were retries): {time}.",
            b.calls,
            b.retries,
            plural(b.retries, "retry", "retries"),
            read.retries,
            read.calls,
            plural(read.calls, "request", "requests"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::ReadCost;

    fn budget() -> ApiBudget {
        ApiBudget {
            calls: 40,
            by_operation: [("UpdateInstance".to_string(), 40)].into(),
            qps: 10,
            seconds: 4.0,
            read: None,
            retries: 0,
        }
    }

    #[test]
    fn the_line_says_whether_retries_are_counted() {
        assert_eq!(
            api_calls(&budget()),
            "API calls: 40 (about 4 s at 10 requests/s per operation, before retries)."
        );
        let calm = budget().with_read(ReadCost {
            calls: 41,
            retries: 0,
        });
        assert_eq!(
            api_calls(&calm),
            "API calls: 40 (about 4 s at 10 requests/s per operation; reading the account needed no retries)."
        );
        let throttled = budget().with_read(ReadCost {
            calls: 50,
            retries: 10,
        });
        assert_eq!(
            api_calls(&throttled),
            "API calls: 40, and about 10 retries at the rate reading the account saw (10 of its 50 \
             requests were retries): about 5 s at 10 requests/s per operation."
        );
    }
}
