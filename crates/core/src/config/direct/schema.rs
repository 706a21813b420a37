//! The YAML node tree as jsonschema sees a JSON document, so that a file can be checked
//! against the schema without first being copied into a `serde_json::Value`.
//!
//! Only trees that [`super::fits`] accepts are seen this way: every mapping key a string,
//! unique in its mapping, and every number one JSON can hold. Numbers read as the JSON copy
//! has them: a float without a fraction is an integer (JSON Schema counts `1.0` as one).

use crate::config::yaml::{Node, Value};
use jsonschema::JsonType;
use jsonschema::json::{Array, Json, JsonNumber, Node as JsonNode, NodeIdentity, Object};
use serde_json::Value as Json_;
use std::borrow::Cow;

/// The representation: nodes of [`crate::config::yaml`]'s tree.
pub struct Tree;

impl Json for Tree {
    type Node<'a> = &'a Node;
    type PreparedKey = String;
    type StringBuffer = Buffer;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(buffer: &mut Buffer, string: &str, f: impl FnOnce(&Node) -> T) -> T {
        buffer.0.value = Value::Str(string.to_owned());
        f(&buffer.0)
    }
}

/// A node for jsonschema to see a property name as (`propertyNames`).
pub struct Buffer(Node);

impl Default for Buffer {
    fn default() -> Self {
        Buffer(Node {
            value: Value::Null,
            span: Default::default(),
            defined: Default::default(),
        })
    }
}

/// A number of the tree, as the JSON copy would hold it.
pub enum Number {
    Int(i64),
    Uint(u64),
    Float(f64),
}

impl Number {
    fn of(value: &Value) -> Option<Number> {
        Some(match *value {
            Value::Int(i) => match i64::try_from(i) {
                Ok(v) => Number::Int(v),
                Err(_) => Number::Uint(u64::try_from(i).ok()?),
            },
            Value::Float(f) if integral(f) => Number::Int(f as i64),
            Value::Float(f) => Number::Float(f),
            _ => return None,
        })
    }
}

/// Whether the JSON copy holds `f` as an integer (see `tree::to_json`).
pub fn integral(f: f64) -> bool {
    f.fract() == 0.0 && f.abs() < 9.0e15
}

impl JsonNumber for Number {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::Int(i) => u64::try_from(i).ok(),
            Number::Uint(u) => Some(u),
            Number::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            Number::Int(i) => Some(i),
            Number::Uint(u) => i64::try_from(u).ok(),
            Number::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            Number::Int(i) => i as f64,
            Number::Uint(u) => u as f64,
            Number::Float(f) => f,
        })
    }

    fn as_str(&self) -> Cow<'_, str> {
        self.to_number().to_string().into()
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match *self {
            Number::Int(i) => i.into(),
            Number::Uint(u) => u.into(),
            // Finite: `fits` sends other floats the long way.
            Number::Float(f) => serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into()),
        })
    }

    fn is_integer(&self) -> bool {
        !matches!(self, Number::Float(_))
    }
}

impl<'a> JsonNode<'a, Tree> for &'a Node {
    type Object = &'a [(Node, Node)];
    type Array = &'a [Node];
    type Number = Number;

    fn as_object(&self) -> Option<Self::Object> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<Self::Array> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.value {
            Value::Str(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Number> {
        Number::of(&self.value)
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.value == Value::Null
    }

    fn json_type(&self) -> JsonType {
        match &self.value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Int(_) | Value::Float(_) => JsonType::Number,
            Value::Str(_) => JsonType::String,
            Value::Seq(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }

    fn equals_value(&self, expected: &Json_) -> bool {
        // Enums and consts of the schema are strings: compared without a copy.
        match (&self.value, expected) {
            (Value::Str(s), Json_::String(e)) => s == e,
            (Value::Str(_), _) | (_, Json_::String(_)) => false,
            _ => jsonschema::json::cmp::equal(&self.to_value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Json_> {
        Cow::Owned(to_value(self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(*self) as usize))
    }
}

/// A copy of `node` as JSON (for what jsonschema compares whole, and for its errors).
fn to_value(node: &Node) -> Json_ {
    match &node.value {
        Value::Null => Json_::Null,
        Value::Bool(b) => Json_::Bool(*b),
        Value::Int(_) | Value::Float(_) => Json_::Number(
            Number::of(&node.value).map_or_else(|| 0.into(), |n| n.to_number().into_owned()),
        ),
        Value::Str(s) => Json_::String(s.clone()),
        Value::Seq(items) => Json_::Array(items.iter().map(to_value).collect()),
        Value::Map(entries) => Json_::Object(
            entries
                .iter()
                .filter_map(|(k, v)| Some((key(k)?.to_owned(), to_value(v))))
                .collect(),
        ),
    }
}

/// A mapping key's text (every key is a string in a tree that [`super::fits`] accepts).
pub fn key(k: &Node) -> Option<&str> {
    match &k.value {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

impl<'a> Object<'a, Tree> for &'a [(Node, Node)] {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[(Node, Node)]>::len(self)
    }

    fn get(&self, wanted: &String) -> Option<&'a Node> {
        self.iter()
            .find(|(k, _)| key(k) == Some(wanted.as_str()))
            .map(|(_, v)| v)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

/// The entries of a mapping, by key text.
pub struct Members<'a>(std::slice::Iter<'a, (Node, Node)>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (key(k).unwrap_or_default(), v))
    }
}

impl<'a> Array<'a, Tree> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> Self::ElementsIter {
        self.iter()
    }
}
