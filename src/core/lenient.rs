//! Reading JSON leniently and without a tree: a field of an unexpected type is absent,
//! never an error, and the last of a repeated field wins, as reading through a
//! `serde_json::Value` would. Used for the envelope's `error` and `debug` and for 207
//! answers, so that `serde_json::Value`'s reader is not in the app at all (README, "Size on
//! the wire").
//!
//! One way it reads otherwise than through a `Value`: a value it skips (`data` when only
//! `error` is wanted, a member it does not read, a member of an unexpected type) is checked
//! by serde_json for JSON syntax only, so nesting deeper than serde_json's 128 levels, a
//! number beyond an `f64` and a lone UTF-16 surrogate escape (`"\ud800"`) pass when they are
//! in such a value, where reading the whole body into a `Value` fails. Both fail on them in a
//! value that is read. `core::fuzz` checks the rest against the tree.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::core::envelope::{Envelope, ProblemDetails};

/// Reads an envelope object's members in one pass: `data` through `read_data` (the last
/// `data` wins), `error` and `debug` leniently, anything else skipped. The one loop behind
/// [`crate::core::envelope::parse_data`] and the 207 reader.
pub(crate) fn visit_envelope<'de, A: MapAccess<'de>, T>(
    mut map: A,
    mut read_data: impl FnMut(&mut A) -> Result<T, A::Error>,
) -> Result<(Option<T>, Envelope), A::Error> {
    let mut data = None;
    let mut envelope = Envelope::default();
    while let Some(name) = map.next_key::<Name>()? {
        match name.0 {
            "data" => data = Some(read_data(&mut map)?),
            "error" => envelope.error = map.next_value::<Problem>()?.0,
            "debug" => envelope.activity_id = map.next_value::<ActivityId>()?.0,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok((data, envelope))
}

/// An envelope's `error`: problem details when it is an object (as
/// [`crate::core::envelope::problem_from_value`] reads them), else `None`.
pub(crate) struct Problem(pub(crate) Option<ProblemDetails>);

impl<'de> Deserialize<'de> for Problem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Problem(
            deserializer.deserialize_any(Lenient(ProblemVisitor))?,
        ))
    }
}

struct ProblemVisitor;

impl<'de> Visitor<'de> for ProblemVisitor {
    type Value = Option<ProblemDetails>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("problem details")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut problem = ProblemDetails::default();
        while let Some(name) = map.next_key::<Name>()? {
            let text = match name.0 {
                "type" => &mut problem.kind,
                "title" => &mut problem.title,
                "detail" => &mut problem.detail,
                "instance" => &mut problem.instance,
                "status" => {
                    problem.status = map.next_value::<Scalar>()?.as_u16();
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *text = map.next_value::<Scalar>()?.into_text();
        }
        Ok(Some(problem))
    }
}

/// An envelope's `debug`: its `activityID` as text, else its `activityId`; `None` when it is
/// not an object.
pub(crate) struct ActivityId(pub(crate) Option<String>);

impl<'de> Deserialize<'de> for ActivityId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(ActivityId(
            deserializer.deserialize_any(Lenient(ActivityIdVisitor))?,
        ))
    }
}

struct ActivityIdVisitor;

impl<'de> Visitor<'de> for ActivityIdVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("debug details")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // `activityID` when it is there at all (even null), as `Value::get` would find it.
        let (mut upper, mut lower) = (None, None);
        while let Some(name) = map.next_key::<Name>()? {
            match name.0 {
                "activityID" => upper = Some(map.next_value::<Scalar>()?),
                "activityId" => lower = Some(map.next_value::<Scalar>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(upper.or(lower).and_then(Scalar::into_text))
    }
}

/// A field's name, matched without being copied. Names the reader does not know read as "".
pub(crate) struct Name(pub(crate) &'static str);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl Visitor<'_> for NameVisitor {
    type Value = Name;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Name, E> {
        const KNOWN: [&str; 14] = [
            "data",
            "error",
            "debug",
            "id",
            "status",
            "body",
            "key",
            "value",
            "type",
            "title",
            "detail",
            "instance",
            "activityID",
            "activityId",
        ];
        Ok(Name(KNOWN.into_iter().find(|k| *k == name).unwrap_or("")))
    }
}

/// A JSON value where a number or a text is expected; lists and objects are `Other`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'de> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Str(Cow<'de, str>),
    Other,
}

impl Scalar<'_> {
    /// A tolerance key: an int32, written as a whole number or a text holding one.
    pub(crate) fn as_key(&self) -> Option<i32> {
        match self {
            Scalar::Unsigned(n) => i32::try_from(*n).ok(),
            Scalar::Signed(n) => i32::try_from(*n).ok(),
            Scalar::Float(f) if f.fract() == 0.0 => i32::try_from(*f as i64).ok(),
            Scalar::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A status: a number, or a text holding one (servers disagree on which).
    pub(crate) fn as_u16(&self) -> Option<u16> {
        match self {
            Scalar::Unsigned(n) => u16::try_from(*n).ok(),
            Scalar::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The value as text, as `serde_json` writes a number.
    pub(crate) fn into_text(self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.into_owned()),
            Scalar::Unsigned(n) => Some(n.to_string()),
            Scalar::Signed(n) => Some(n.to_string()),
            Scalar::Float(f) => serde_json::Number::from_f64(f).map(|n| n.to_string()),
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Null | Scalar::Other => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Signed(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Scalar::Unsigned(n))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Float(f))
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(s)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(s.to_owned())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(Scalar::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(Scalar::Other)
    }
}

/// Wraps a visitor of lists and objects (each answering `None` for the shape it does not
/// read) so that a number, a text, a boolean or null also reads as `None` rather than
/// failing the whole answer.
pub(crate) struct Lenient<V>(pub(crate) V);

impl<'de, T, V: Visitor<'de, Value = Option<T>>> Visitor<'de> for Lenient<V> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(map)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}
