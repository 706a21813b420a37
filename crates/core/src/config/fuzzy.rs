//! Telling a typo from a different word: the "did you mean" of every diagnostic that
//! suggests a key, a type or a name. A leaf: it knows nothing of the file.

/// Close enough to be a typo: a prefix of the other (`phone` / `phone_number`), or a few edits
/// away (`descripton`).
pub fn similar(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    if a.len() >= 3 && b.len() >= 3 && (a.starts_with(&b) || b.starts_with(&a)) {
        return true;
    }
    let limit = match a.chars().count().min(b.chars().count()) {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    edit_distance(&a, &b) <= limit
}

/// The candidate closest to `word`, when one is [`similar`] enough to be what was meant.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| similar(word, c))
        .min_by_key(|c| edit_distance(word, c))
}

/// Levenshtein distance, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_candidate_is_the_closest_similar_one() {
        let types = ["whatsapp", "viber", "messenger", "sms"];
        assert_eq!(nearest("whatsap", types), Some("whatsapp"));
        assert_eq!(nearest("mesenger", types), Some("messenger"));
        assert_eq!(nearest("telegram", types), None);
    }

    #[test]
    fn typos_are_similar_but_other_keys_are_not() {
        assert!(similar("descripton", "description"));
        assert!(similar("phone", "phone_number"));
        assert!(similar("Name", "name"));
        assert!(similar("nmae", "name"));
        assert!(!similar("quota", "version"));
        assert!(!similar("waba_id", "page_id"));
        assert!(!similar("prune", "name"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
