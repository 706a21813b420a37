//! The `{{n}}` variables of a template text: where each is, and what is malformed.

/// One `{{…}}` in a text: its byte range in the text and its number, when it is a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub start: usize,
    pub len: usize,
    /// `Some(n)` for `{{n}}` with n ≥ 1 written without leading zeros; `None` otherwise.
    pub number: Option<u32>,
}

/// Every `{{…}}` in `text`, in order. An unclosed `{{` is not a variable.
pub fn scan(text: &str) -> Vec<Variable> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let start = from + i;
        let Some(j) = text[start + 2..].find("}}") else {
            break;
        };
        let inner = &text[start + 2..start + 2 + j];
        let len = j + 4;
        let number = (!inner.is_empty()
            && !inner.starts_with('0')
            && inner.bytes().all(|b| b.is_ascii_digit()))
        .then(|| inner.parse::<u32>().ok())
        .flatten();
        out.push(Variable { start, len, number });
        from = start + len;
    }
    out
}

/// The first number missing from 1..=max in `numbers`, if any.
pub fn first_gap(numbers: &[u32]) -> Option<u32> {
    let max = numbers.iter().copied().max()?;
    (1..=max).find(|n| !numbers.contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_and_malformed_ones_are_found() {
        let v = scan("Hi {{1}}, order {{2}} {{x}} {{01}} {{");
        let numbers: Vec<_> = v.iter().map(|v| v.number).collect();
        assert_eq!(numbers, [Some(1), Some(2), None, None]);
        assert_eq!(v[0].start, 3);
        assert_eq!(v[0].len, 5);
        assert_eq!(first_gap(&[1, 3]), Some(2));
        assert_eq!(first_gap(&[2, 1]), None);
        assert_eq!(first_gap(&[]), None);
    }
}
