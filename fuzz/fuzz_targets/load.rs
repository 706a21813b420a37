//! `chanctl_core::config::load` on arbitrary input, and the rendering of what it reports: neither
//! may panic, hang or allocate without bound, whatever the bytes.
//!
//! Input that is not UTF-8 never reaches `load` (the CLI refuses it while reading the file);
//! everything else does, as the text of a channels file.

#![no_main]

use chanctl_core::diagnostic::Report;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    match chanctl_core::config::load(source) {
        Ok(desired) => {
            // A valid file: the channels are within the quota the file allows.
            assert!(desired.channels.len() <= desired.quota as usize);
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty(), "an error without a diagnostic");
            for d in &diagnostics {
                assert!(!d.labels.is_empty(), "a diagnostic without a place: {d:?}");
                for label in &d.labels {
                    let end = label.span.offset + label.span.len;
                    assert!(end <= source.len(), "a span past the end: {d:?}");
                    assert!(
                        source.is_char_boundary(label.span.offset) && source.is_char_boundary(end),
                        "a span inside a character: {d:?}"
                    );
                }
            }
            let report = Report {
                file_name: "fuzz.yaml".to_string(),
                source: source.into(),
                diagnostics,
            };
            let rendered = report.render(false, 100);
            assert!(!rendered.is_empty());
            let lines = report.short_lines();
            assert_eq!(lines.len(), report.diagnostics.len());
        }
    }
});
