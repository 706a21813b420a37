//! Reading an operation's parameters the way the gateway does: from the query and the
//! form body together (already decoded by the verifier), booleans case-insensitively (the
//! Python SDK sends `True`), and JSON-string ("shrink") parameters parsed into objects.

use super::envelope::ApiError;
use serde_json::Value;

/// An operation's decoded parameters, in arrival order (query first, then the form body).
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Params(pairs)
    }

    /// Parameters from name/value pairs, as a test writes them.
    #[cfg(test)]
    pub fn of(pairs: &[(&str, &str)]) -> Self {
        Params(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// The parameters' names, in arrival order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The first value of `name` (an empty value counts as given).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A required parameter: absent or empty is `MissingParameter`.
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| ApiError::missing(name))
    }

    /// An optional parameter; empty counts as absent.
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// `true`/`false` in any case.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.optional(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::invalid(
                name,
                format!("`{v}` is not true or false"),
            )),
        }
    }

    /// A whole number.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.optional(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::invalid(name, format!("`{v}` is not an integer"))),
        }
    }

    /// A JSON-string parameter holding an object.
    pub fn json_object(&self, name: &str) -> Result<Option<Value>, ApiError> {
        match self.optional(name) {
            None => Ok(None),
            Some(v) => match serde_json::from_str::<Value>(v) {
                Ok(obj @ Value::Object(_)) => Ok(Some(obj)),
                Ok(_) => Err(ApiError::invalid(name, "expected a JSON object")),
                Err(e) => Err(ApiError::invalid(name, format!("not valid JSON ({e})"))),
            },
        }
    }
}

/// A string field of a JSON object, empty when absent or not a string.
pub fn field(obj: &Value, key: &str) -> String {
    obj.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::of(pairs)
    }

    #[test]
    fn booleans_ignore_case_and_bad_values_are_named() {
        let p = params(&[("A", "True"), ("B", "FALSE"), ("C", "yes")]);
        assert_eq!(p.bool("A").ok(), Some(Some(true)));
        assert_eq!(p.bool("B").ok(), Some(Some(false)));
        assert_eq!(p.bool("Z").ok(), Some(None));
        let e = p.bool("C").err().map(|e| e.code);
        assert_eq!(e.as_deref(), Some("InvalidParameter.C"));
    }

    #[test]
    fn json_params_must_be_objects() {
        let p = params(&[("E", r#"{"AccountName":"a"}"#), ("F", "[1]"), ("G", "{")]);
        assert_eq!(
            p.json_object("E")
                .ok()
                .flatten()
                .map(|v| field(&v, "AccountName")),
            Some("a".into())
        );
        assert!(p.json_object("F").is_err());
        assert!(p.json_object("G").is_err());
    }

    #[test]
    fn required_refuses_empty() {
        let p = params(&[("A", "")]);
        assert_eq!(
            p.required("A").err().map(|e| e.code),
            Some("MissingParameter".into())
        );
        assert_eq!(p.get("A"), Some(""));
    }
}
