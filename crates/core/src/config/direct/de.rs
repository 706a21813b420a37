//! serde's reading of the YAML node tree: the typed structs filled straight from the tree, as
//! `serde_json::from_value` fills them from the JSON copy, value for value.
//!
//! The tree is only read (strings are copied), so that the schema check can read it on
//! another thread at the same time. Numbers are seen as in the JSON copy: non-negative
//! integers as `u64`, negative ones as `i64`, and a float without a fraction as an integer.

use super::schema::integral;
use crate::config::yaml::{Node, Value};
use serde::de::value::{Error, StrDeserializer};
use serde::de::{
    self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};
use serde::forward_to_deserialize_any;

/// A deserializer over one node.
pub struct De<'a> {
    node: &'a Node,
    /// A key of a mapping to pass over (a channel's `type`, already read).
    skip: Option<&'static str>,
    /// A key of a mapping whose value reads as an empty list (the file's `channels`, read
    /// one by one apart).
    hollow: Option<&'static str>,
}

/// What a hollow key's value reads as.
static EMPTY_LIST: Node = Node {
    value: Value::Seq(Vec::new()),
    span: crate::diagnostic::Span { offset: 0, len: 0 },
    defined: crate::diagnostic::Span { offset: 0, len: 0 },
};

impl<'a> De<'a> {
    pub fn new(node: &'a Node) -> Self {
        De {
            node,
            skip: None,
            hollow: None,
        }
    }

    /// A mapping read without its `key` entry.
    pub fn without(node: &'a Node, key: &'static str) -> Self {
        De {
            skip: Some(key),
            ..De::new(node)
        }
    }

    /// A mapping read with an empty list as the value of `key`.
    pub fn hollow(node: &'a Node, key: &'static str) -> Self {
        De {
            hollow: Some(key),
            ..De::new(node)
        }
    }
}

fn integer<'de, V: Visitor<'de>>(i: i128, visitor: V) -> Result<V::Value, Error> {
    match u64::try_from(i) {
        Ok(u) => visitor.visit_u64(u),
        Err(_) => match i64::try_from(i) {
            Ok(v) => visitor.visit_i64(v),
            Err(_) => Err(de::Error::custom(format!("{i} is out of range"))),
        },
    }
}

impl<'de> de::Deserializer<'de> for De<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => integer(*i, visitor),
            Value::Float(f) if integral(*f) => integer(*f as i128, visitor),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) => visitor.visit_str(s),
            Value::Seq(items) => {
                let len = items.len();
                let mut seq = Seq(items.iter());
                let value = visitor.visit_seq(&mut seq)?;
                match seq.0.len() {
                    0 => Ok(value),
                    left => Err(de::Error::invalid_length(len - left, &"fewer elements")),
                }
            }
            Value::Map(entries) => visitor.visit_map(Map {
                entries: entries.iter(),
                value: None,
                skip: self.skip,
                hollow: self.hollow,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            Value::Map(entries) if entries.len() == 1 => {
                let (k, v) = &entries[0];
                visitor.visit_enum(Variant { key: k, value: v })
            }
            other => Err(de::Error::invalid_type(
                unexpected(other),
                &"a string or a mapping of one entry",
            )),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Int(_) | Value::Float(_) => de::Unexpected::Other("a number"),
        Value::Str(s) => de::Unexpected::Str(s),
        Value::Seq(_) => de::Unexpected::Seq,
        Value::Map(_) => de::Unexpected::Map,
    }
}

struct Seq<'a>(std::slice::Iter<'a, Node>);

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|n| seed.deserialize(De::new(n)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Map<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<&'a Node>,
    skip: Option<&'static str>,
    hollow: Option<&'static str>,
}

/// A key's text: every key is a string in a tree that [`super::fits`] accepts.
fn key_text(k: &Node) -> &str {
    super::schema::key(k).unwrap_or_default()
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        for (k, v) in self.entries.by_ref() {
            let key = key_text(k);
            if self.skip == Some(key) {
                continue;
            }
            self.value = Some(if self.hollow == Some(key) {
                &EMPTY_LIST
            } else {
                v
            });
            let key: StrDeserializer<'_, Error> = key.into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        match self.value.take() {
            Some(v) => seed.deserialize(De::new(v)),
            None => Err(de::Error::custom("a value without its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An enum written as a mapping of one entry: the variant's name, and its content.
struct Variant<'a> {
    key: &'a Node,
    value: &'a Node,
}

impl<'de, 'a> EnumAccess<'de> for Variant<'a> {
    type Error = Error;
    type Variant = De<'a>;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, De<'a>), Error> {
        let key: StrDeserializer<'_, Error> = key_text(self.key).into_deserializer();
        Ok((seed.deserialize(key)?, De::new(self.value)))
    }
}

impl<'de> VariantAccess<'de> for De<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.node.value {
            Value::Null => Ok(()),
            ref other => Err(de::Error::invalid_type(unexpected(other), &"unit variant")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}
