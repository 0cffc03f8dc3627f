//! The Tolerance record exactly as VBAPI names its fields (see `shared/vbapi/CONTRACT.md`).

use serde::{Deserialize, Serialize};

use crate::core::columns::CellText;
use crate::core::stamp::Stamp;

/// One tolerance: the amount within which an invoice counts as paid, per group and payment
/// method. Field names on the wire are the contract's, mixed case with underscores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tolerance {
    /// The record's identity; NOT NULL, int32.
    #[serde(rename = "tolerance_Key")]
    pub key: i32,
    /// The amount used to decide whether an invoice should be closed; NOT NULL.
    #[serde(rename = "tolerance1")]
    pub amount: f64,
    /// At most 20 characters; `null` on the wire when absent.
    #[serde(rename = "group_ID", default)]
    pub group_id: Option<CellText>,
    /// At most 20 characters; `null` on the wire when absent.
    #[serde(rename = "payment_Method", default)]
    pub payment_method: Option<CellText>,
    /// ISO 8601 date-time; set by the server, so omitted when unknown.
    #[serde(
        rename = "entry_Date",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub entry_date: Option<Stamp>,
    #[serde(
        rename = "entry_User",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub entry_user: Option<CellText>,
    #[serde(
        rename = "update_Date",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub update_date: Option<Stamp>,
    #[serde(
        rename = "update_User",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub update_user: Option<CellText>,
}

/// The body of `PUT /tolerances-batch`: the records as a JSON array, byte for byte what
/// `serde_json::to_string(records)` writes, with the field names written as they are rather
/// than escaped one character at a time (a 100,000-row submit writes 800,000 of them).
pub fn write_batch(records: &[Tolerance], out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    fn text(
        out: &mut Vec<u8>,
        name: &str,
        value: &Option<impl Serialize>,
        skip_none: bool,
    ) -> Result<(), serde_json::Error> {
        if value.is_none() && skip_none {
            return Ok(());
        }
        out.extend_from_slice(b",\"");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
        serde_json::to_writer(&mut *out, value)
    }
    out.push(b'[');
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"tolerance_Key\":");
        serde_json::to_writer(&mut *out, &record.key)?;
        out.extend_from_slice(b",\"tolerance1\":");
        serde_json::to_writer(&mut *out, &record.amount)?;
        text(out, "group_ID", &record.group_id, false)?;
        text(out, "payment_Method", &record.payment_method, false)?;
        text(out, "entry_Date", &record.entry_date, true)?;
        text(out, "entry_User", &record.entry_user, true)?;
        text(out, "update_Date", &record.update_date, true)?;
        text(out, "update_User", &record.update_user, true)?;
        out.push(b'}');
    }
    out.push(b']');
    Ok(())
}

#[cfg(test)]
impl Tolerance {
    /// A record for tests: paid by ACH, without audit columns.
    pub fn sample(key: i32, amount: f64, group: &str) -> Tolerance {
        Tolerance {
            key,
            amount,
            group_id: Some(group.into()),
            payment_method: Some("ACH".into()),
            entry_date: None,
            entry_user: None,
            update_date: None,
            update_user: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_optional_strings_go_out_as_null_and_server_fields_are_left_out() {
        let record = Tolerance {
            key: 7,
            amount: 2.5,
            group_id: None,
            payment_method: Some("EFT".into()),
            entry_date: None,
            entry_user: None,
            update_date: None,
            update_user: None,
        };
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "tolerance_Key": 7, "tolerance1": 2.5, "group_ID": null, "payment_Method": "EFT"
            })
        );
    }

    #[test]
    fn camel_case_field_names_are_not_accepted_as_the_key() {
        let err = serde_json::from_str::<Tolerance>(r#"{"toleranceKey": 1, "tolerance1": 1.0}"#);
        assert!(err.is_err(), "the contract's name is tolerance_Key");
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..proptest::prelude::ProptestConfig::with_cases(300) })]

        #[test]
        fn a_batch_is_written_as_serde_json_writes_it(
            records in proptest::collection::vec(
                (
                    proptest::prelude::any::<i32>(),
                    proptest::prelude::any::<f64>(),
                    proptest::collection::vec(proptest::option::of(".{0,8}|[\"\\\\\u{0}-\u{1f}\u{7f}-\u{a0}\u{2028}]{0,4}"), 6),
                ),
                0..4,
            )
        ) {
            let records: Vec<Tolerance> = records
                .into_iter()
                .map(|(key, amount, texts)| Tolerance {
                    key,
                    amount,
                    group_id: texts[0].clone().map(Into::into),
                    payment_method: texts[1].clone().map(Into::into),
                    entry_date: texts[2].as_deref().map(Stamp::new),
                    entry_user: texts[3].clone().map(Into::into),
                    update_date: texts[4].as_deref().map(Stamp::new),
                    update_user: texts[5].clone().map(Into::into),
                })
                .collect();
            let mut written = Vec::new();
            write_batch(&records, &mut written).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(written).unwrap(), serde_json::to_string(&records).unwrap());
        }
    }
}
