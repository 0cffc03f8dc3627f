//! The Tolerance record exactly as VBAPI names its fields (see `shared/vbapi/CONTRACT.md`).

use serde::{Deserialize, Serialize};

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
    pub group_id: Option<String>,
    /// At most 20 characters; `null` on the wire when absent.
    #[serde(rename = "payment_Method", default)]
    pub payment_method: Option<String>,
    /// ISO 8601 date-time; set by the server, so omitted when unknown.
    #[serde(
        rename = "entry_Date",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub entry_date: Option<String>,
    #[serde(
        rename = "entry_User",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub entry_user: Option<String>,
    #[serde(
        rename = "update_Date",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub update_date: Option<String>,
    #[serde(
        rename = "update_User",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub update_user: Option<String>,
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
}
