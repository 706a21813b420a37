//! E.164 numbers split into their country calling code and national number, as CAMS wants a
//! number it is to register (`AddChatappPhoneNumber` takes `Cc` and `PhoneNumber` apart). The
//! table is ITU-T E.164's assignment, compact because the codes are prefix-free: `1` and `7`
//! are one digit, the forty-four codes below are two, and every other code is three (there
//! are no longer ones). A maintained crate (`phonenumber`) would also validate national
//! numbers, at the cost of its metadata and regex build; chanctl only needs the split.

/// The two-digit country calling codes (ITU-T E.164 assignment list).
const TWO_DIGIT: [&str; 44] = [
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
    "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
    "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
];

/// Split `number` (`+` and 7 to 15 digits, no leading zero) into its country calling code and
/// national number, digits only: `+6588001234` → (`65`, `88001234`). `None` when it is not in
/// that form or leaves no national number.
pub fn split(number: &str) -> Option<(&str, &str)> {
    let digits = number.strip_prefix('+')?;
    let well_formed = (7..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return None;
    }
    let len = if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else if TWO_DIGIT.contains(&&digits[..2]) {
        2
    } else {
        3
    };
    Some(digits.split_at(len))
}

/// The number as CAMS answers it: country code and national number, digits only.
pub fn wire(number: &str) -> &str {
    number.strip_prefix('+').unwrap_or(number)
}

/// A number CAMS answered (digits, or already with `+`) in E.164 form.
pub fn from_wire(number: &str) -> String {
    if number.is_empty() || number.starts_with('+') {
        number.to_string()
    } else {
        format!("+{number}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_one_two_and_three_digit_codes() {
        assert_eq!(split("+6588001234"), Some(("65", "88001234")));
        assert_eq!(split("+14155550123"), Some(("1", "4155550123")));
        assert_eq!(split("+74951234567"), Some(("7", "4951234567")));
        assert_eq!(split("+8613800001234"), Some(("86", "13800001234")));
        assert_eq!(split("+447911123456"), Some(("44", "7911123456")));
        assert_eq!(split("+85291234567"), Some(("852", "91234567")));
        assert_eq!(split("+971501234567"), Some(("971", "501234567")));
        assert_eq!(split("+35312345678"), Some(("353", "12345678")));
        assert_eq!(split("+2348012345678"), Some(("234", "8012345678")));
    }

    #[test]
    fn refuses_what_is_not_e164() {
        for bad in [
            "6588001234",
            "+06588001234",
            "+65 8800 1234",
            "+65880",
            "+1234567890123456",
            "",
            "+",
        ] {
            assert_eq!(split(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_two_digit_code_is_distinct_and_no_prefix_of_another() {
        for (i, a) in TWO_DIGIT.iter().enumerate() {
            assert!(!a.starts_with('1') && !a.starts_with('7') && !a.starts_with('0'));
            assert!(!TWO_DIGIT[i + 1..].contains(a), "{a} twice");
        }
    }

    #[test]
    fn wire_form_round_trips() {
        assert_eq!(wire("+6588001234"), "6588001234");
        assert_eq!(from_wire("6588001234"), "+6588001234");
        assert_eq!(from_wire("+6588001234"), "+6588001234");
        assert_eq!(from_wire(""), "");
    }
}
