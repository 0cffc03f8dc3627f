//! Reading a 207 body straight into [`BatchItem`]s, with no JSON tree built first: a
//! 500-row answer is read in one pass, allocating only the texts kept (an item's key as
//! written and its message). Every odd shape the contract allows reads as it did through a
//! `serde_json::Value`: a key as a number or a string, in any case, or a lone unnamed id; a
//! field of an unexpected type is absent, never an error; the last of a repeated field wins.
//! A value it skips is checked for JSON syntax only, as `lenient` documents.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{BatchAnswer, BatchItem, KEY_NAME};
use crate::core::envelope::BodyError;
use crate::core::lenient::{Lenient, Name, Scalar, visit_envelope};

/// Reads a 207 body whatever its Content-Type claimed (see [`super::parse_batch_answer`]).
pub(super) fn read_batch_answer(body: &str) -> Result<BatchAnswer, BodyError> {
    let mut reader = serde_json::Deserializer::from_str(body.trim_start_matches('\u{feff}'));
    let not_json = |err: serde_json::Error| BodyError::new(format!("not JSON: {err}"), body);
    let answer = (&mut reader)
        .deserialize_any(Lenient(TopVisitor))
        .map_err(not_json)?;
    reader.end().map_err(not_json)?;
    answer.ok_or_else(|| BodyError::new("neither an envelope nor a list", body))
}

/// The whole body: an envelope, or a bare list (a gateway may unwrap `data`); `None` for
/// anything else.
struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Option<BatchAnswer>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a 207 envelope or a list of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(Some(BatchAnswer {
            items: Some(items_of(seq)?),
            error: None,
            activity_id: None,
        }))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let (items, envelope) = visit_envelope(map, |map| Ok(map.next_value::<Items>()?.0))?;
        Ok(Some(BatchAnswer {
            items: items.flatten(),
            error: envelope.error,
            activity_id: envelope.activity_id,
        }))
    }
}

fn items_of<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<BatchItem>, A::Error> {
    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
    while let Some(Item(item)) = seq.next_element()? {
        items.push(item);
    }
    Ok(items)
}

/// `data`: the items when it is a list, `None` for null or anything else.
struct Items(Option<Vec<BatchItem>>);

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Items(deserializer.deserialize_any(Lenient(ItemsVisitor))?))
    }
}

struct ItemsVisitor;

impl<'de> Visitor<'de> for ItemsVisitor {
    type Value = Option<Vec<BatchItem>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        items_of(seq).map(Some)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(None)
    }
}

/// One item; anything but an object is an item that names nothing.
struct Item(BatchItem);

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let item = deserializer.deserialize_any(Lenient(ItemVisitor))?;
        Ok(Item(item.unwrap_or_else(|| BatchItem {
            key: None,
            key_text: String::new(),
            status: None,
            body: String::new(),
        })))
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Option<BatchItem>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an item")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut value = None;
        let mut status = None;
        let mut body = None;
        while let Some(name) = map.next_key::<Name>()? {
            match name.0 {
                "id" => value = map.next_value::<Ids>()?.0,
                "status" => status = Some(map.next_value::<Scalar>()?),
                "body" => body = Some(map.next_value::<Scalar>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(BatchItem {
            key: value.as_ref().and_then(Scalar::as_key),
            key_text: value.and_then(Scalar::into_text).unwrap_or_default(),
            status: status.as_ref().and_then(Scalar::as_u16),
            body: body.and_then(Scalar::into_text).unwrap_or_default(),
        }))
    }
}

/// An item's `id`: the value of the part named `tolerance_Key` (any case), else of a lone
/// part with no name (the entity has only one key). `None` when neither is there.
struct Ids<'de>(Option<Scalar<'de>>);

impl<'de> Deserialize<'de> for Ids<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Ids(deserializer.deserialize_any(Lenient(IdsVisitor))?))
    }
}

struct IdsVisitor;

impl<'de> Visitor<'de> for IdsVisitor {
    type Value = Option<Scalar<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of ids")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut named = None;
        let mut first = None;
        let mut count = 0usize;
        while let Some(part) = seq.next_element::<IdPart>()? {
            count += 1;
            if named.is_none() && part.is_the_key() {
                named = Some(part.value);
            } else if count == 1 {
                first = Some(part);
            }
        }
        Ok(match named {
            Some(value) => value,
            None => first
                .filter(|only| count == 1 && only.is_unnamed())
                .and_then(|only| only.value),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(None)
    }
}

/// One `{ "key": …, "value": … }`; anything but an object has neither.
#[derive(Default)]
struct IdPart<'de> {
    /// `None` when absent; `Some(Scalar::Null)` when null.
    key: Option<Scalar<'de>>,
    value: Option<Scalar<'de>>,
}

impl IdPart<'_> {
    fn is_the_key(&self) -> bool {
        matches!(&self.key, Some(Scalar::Str(name)) if name.trim().eq_ignore_ascii_case(KEY_NAME))
    }

    fn is_unnamed(&self) -> bool {
        matches!(self.key, None | Some(Scalar::Null))
    }
}

impl<'de> Deserialize<'de> for IdPart<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(deserializer
            .deserialize_any(Lenient(IdPartVisitor))?
            .unwrap_or_default())
    }
}

struct IdPartVisitor;

impl<'de> Visitor<'de> for IdPartVisitor {
    type Value = Option<IdPart<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an id")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut part = IdPart::default();
        while let Some(name) = map.next_key::<Name>()? {
            match name.0 {
                "key" => part.key = Some(map.next_value()?),
                "value" => part.value = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(part))
    }
}
