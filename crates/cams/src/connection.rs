//! Why a request got no answer: a refused connection, a failed DNS lookup, a TLS or
//! certificate failure, a timeout. Told from the transport error's causes, so that the
//! message says which, and so that what a retry cannot fix (DNS, TLS, certificates) is not
//! retried.

/// Why a request got no answer, told from the error's causes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConnectionFailure {
    /// `connection refused`, `DNS lookup failed`, ...
    pub kind: &'static str,
    /// What to check.
    pub hint: &'static str,
    /// A retry cannot help.
    pub permanent: bool,
    /// The request may have reached the service.
    pub sent: bool,
}

impl ConnectionFailure {
    pub fn describe(&self) -> String {
        format!("{}: {}", self.kind, self.hint)
    }
}

/// Tell a refused connection, a failed DNS lookup, a TLS or certificate failure and a
/// timeout apart, from the causes of `e`.
pub(crate) fn failure(e: &reqwest::Error) -> ConnectionFailure {
    let mut text = String::new();
    let mut refused = false;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        text.push_str(&c.to_string().to_lowercase());
        text.push('\n');
        cause = c.source();
    }
    let text = without_url(&text, e.url().map(|u| u.as_str()));
    classify(&text, refused, e.is_timeout(), e.is_connect())
}

/// `text` without the request's URL, which reqwest's message quotes: its query holds the
/// request's parameters, whose names and values must not read as a cause
/// (`MessageSendTtlSeconds` holds "tls").
fn without_url(text: &str, url: Option<&str>) -> String {
    match url {
        Some(url) => text.replace(&url.to_lowercase(), "URL"),
        None => text.to_string(),
    }
}

/// [`failure`] from the causes' text (lower case).
fn classify(text: &str, refused: bool, timeout: bool, connect: bool) -> ConnectionFailure {
    let failure = |kind, hint, permanent, sent| ConnectionFailure {
        kind,
        hint,
        permanent,
        sent,
    };
    if refused || text.contains("connection refused") {
        failure(
            "connection refused",
            "nothing listens on that host and port; check --endpoint",
            false,
            false,
        )
    } else if text.contains("dns error") || text.contains("failed to lookup address") {
        failure(
            "DNS lookup failed",
            "the endpoint's host name does not resolve; check --endpoint and the network's DNS",
            true,
            false,
        )
    } else if text.contains("certificate") || text.contains("unknownissuer") {
        failure(
            "TLS certificate refused",
            "the server's certificate is not trusted for this host name; check --endpoint",
            true,
            false,
        )
    } else if text.contains("tls")
        || text.contains("corrupt message")
        || text.contains("invalidcontenttype")
        || text.contains("handshake")
    {
        failure(
            "TLS handshake failed",
            "the server does not speak TLS there (an http:// endpoint given as https://?); check --endpoint",
            true,
            false,
        )
    } else if timeout {
        failure(
            "timed out",
            "no answer within --timeout; the service or the network is slow",
            false,
            !connect,
        )
    } else if connect {
        failure(
            "could not connect",
            "check --endpoint and the network",
            false,
            false,
        )
    } else {
        failure(
            "connection failed",
            "the connection broke before an answer came",
            false,
            true,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_failures_are_told_apart_and_only_some_retried() {
        let refused = classify(
            "tcp connect error: connection refused (os error 111)",
            true,
            false,
            true,
        );
        assert_eq!(
            (refused.kind, refused.permanent),
            ("connection refused", false)
        );
        let dns = classify(
            "dns error: failed to lookup address information",
            false,
            false,
            true,
        );
        assert_eq!((dns.kind, dns.permanent), ("DNS lookup failed", true));
        let tls = classify(
            "received corrupt message of type invalidcontenttype",
            false,
            false,
            true,
        );
        assert_eq!((tls.kind, tls.permanent), ("TLS handshake failed", true));
        let cert = classify(
            "invalid peer certificate: unknownissuer",
            false,
            false,
            true,
        );
        assert_eq!(
            (cert.kind, cert.permanent),
            ("TLS certificate refused", true)
        );
        // A parameter in the quoted URL is no cause.
        let url = "http://127.0.0.1:1/?MessageSendTtlSeconds=300&Text=handshake";
        let text = format!(
            "error sending request for url ({})\nconnection closed before message completed",
            url.to_lowercase()
        );
        let dropped = classify(&without_url(&text, Some(url)), false, false, false);
        assert_eq!(
            (dropped.kind, dropped.permanent, dropped.sent),
            ("connection failed", false, true)
        );
        let slow = classify("operation timed out", false, true, false);
        assert_eq!(
            (slow.kind, slow.permanent, slow.sent),
            ("timed out", false, true)
        );
    }
}
