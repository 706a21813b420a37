//! The language codes a template may take: the list the SDK's `Language` parameter links to
//! ("Language codes", help.aliyun.com/document_detail/463420), which is WhatsApp's list of
//! supported template languages (Meta, "Supported languages").

/// Every documented language code.
pub const LANGUAGES: &[&str] = &[
    "af", "sq", "ar", "az", "bn", "bg", "ca", "zh_CN", "zh_HK", "zh_TW", "hr", "cs", "da", "nl",
    "en", "en_GB", "en_US", "et", "fil", "fi", "fr", "ka", "de", "el", "gu", "ha", "he", "hi",
    "hu", "id", "ga", "it", "ja", "kn", "kk", "rw_RW", "ko", "ky_KG", "lo", "lv", "lt", "mk", "ms",
    "ml", "mr", "nb", "fa", "pl", "pt_BR", "pt_PT", "pa", "ro", "ru", "sr", "sk", "sl", "es",
    "es_AR", "es_ES", "es_MX", "sw", "sv", "ta", "te", "th", "tr", "uk", "ur", "uz", "vi", "zu",
];

/// Whether `code` is a documented language code.
pub fn is_known(code: &str) -> bool {
    LANGUAGES.contains(&code)
}

/// The documented codes nearest to `code` (same letters in another case, a `-` for `_`, or
/// a small edit), best first.
pub fn nearest(code: &str) -> Vec<&'static str> {
    let normal = code.replace('-', "_").to_ascii_lowercase();
    let mut exact: Vec<&'static str> = LANGUAGES
        .iter()
        .copied()
        .filter(|l| l.to_ascii_lowercase() == normal)
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let mut near: Vec<(usize, &'static str)> = LANGUAGES
        .iter()
        .map(|l| (crate::config::fuzzy::edit_distance(l, code), *l))
        .filter(|(d, _)| *d <= 2)
        .collect();
    near.sort();
    exact.extend(near.into_iter().take(3).map(|(_, l)| l));
    exact
}

#[cfg(test)]
mod tests {
    #[test]
    fn near_codes_are_found_by_case_and_separator() {
        assert_eq!(super::nearest("en-us"), ["en_US"]);
        assert_eq!(super::nearest("pt_br"), ["pt_BR"]);
        assert!(super::is_known("zh_CN") && !super::is_known("xx"));
    }
}
