//! The Tolerance record as a client sends it, checked against the contract's rules. Each broken
//! rule gets its own message, so a 400 item says exactly what to fix.

use serde_json::{Map, Value};

use crate::datetime::is_valid_date_time;

/// A record that passed every rule: what the store writes. The entry and update fields are
/// the server's to set, so they are not carried.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTolerance {
    pub key: i32,
    pub tolerance1: f64,
    pub group_id: Option<String>,
    pub payment_method: Option<String>,
}

/// A record as checked: the identity as it was sent (echoed in the 207 item's `id`), and the
/// record or every broken rule joined by "; ".
#[derive(Debug)]
pub struct Checked {
    pub id: Value,
    pub result: Result<NewTolerance, String>,
}

const MAX_TEXT: usize = 20;
const TEXT_FIELDS: &[&str] = &["group_ID", "payment_Method", "entry_User", "update_User"];
const DATE_FIELDS: &[&str] = &["entry_Date", "update_Date"];

/// ASP.NET reads JSON property names case-insensitively; so does the sandbox.
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object
        .get(name)
        .or_else(|| {
            object
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value)
        })
        .filter(|value| !value.is_null())
}

pub fn check(value: &Value) -> Checked {
    let Some(object) = value.as_object() else {
        return Checked {
            id: Value::Null,
            result: Err("Each record must be a JSON object".into()),
        };
    };
    let mut broken = Vec::new();
    let sent_key = field(object, "tolerance_Key");
    let key = match sent_key {
        None => {
            broken.push("tolerance_Key is required".to_string());
            None
        }
        Some(value) => match value.as_i64() {
            // Whole but past i64: still a range problem, not a type problem.
            None if value.is_u64() => {
                broken.push(format!(
                    "tolerance_Key must be between {} and {}",
                    i32::MIN,
                    i32::MAX
                ));
                None
            }
            None => {
                broken.push("tolerance_Key must be an integer".to_string());
                None
            }
            Some(n) => match i32::try_from(n) {
                Ok(key) => Some(key),
                Err(_) => {
                    broken.push(format!(
                        "tolerance_Key must be between {} and {}",
                        i32::MIN,
                        i32::MAX
                    ));
                    None
                }
            },
        },
    };
    let amount = match field(object, "tolerance1") {
        None => {
            broken.push("tolerance1 is required".to_string());
            None
        }
        Some(value) => match value.as_f64() {
            Some(amount) if value.is_number() => Some(amount),
            _ => {
                broken.push("tolerance1 must be a number".to_string());
                None
            }
        },
    };
    let mut texts: Vec<Option<String>> = Vec::new();
    for name in TEXT_FIELDS {
        texts.push(match field(object, name) {
            None => None,
            Some(Value::String(text)) if text.chars().count() > MAX_TEXT => {
                broken.push(format!("{name} must be {MAX_TEXT} characters or fewer"));
                None
            }
            Some(Value::String(text)) => Some(text.clone()),
            Some(_) => {
                broken.push(format!("{name} must be a string or null"));
                None
            }
        });
    }
    for name in DATE_FIELDS {
        match field(object, name) {
            None => {}
            Some(Value::String(text)) if is_valid_date_time(text) => {}
            Some(_) => broken.push(format!(
                "{name} must be an ISO 8601 date-time such as 2019-08-24T14:15:22Z"
            )),
        }
    }
    let id = sent_key.cloned().unwrap_or(Value::Null);
    let result = match (key, amount) {
        (Some(key), Some(tolerance1)) if broken.is_empty() => {
            let mut texts = texts.into_iter();
            Ok(NewTolerance {
                key,
                tolerance1,
                group_id: texts.next().flatten(),
                payment_method: texts.next().flatten(),
            })
        }
        _ => Err(broken.join("; ")),
    };
    Checked { id, result }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(value: Value) -> String {
        check(&value).result.unwrap_err()
    }

    #[test]
    fn a_good_record_passes() {
        let checked = check(&json!({"tolerance_Key": 2, "group_ID": null,
            "payment_Method": "CHECK", "tolerance1": 0.5}));
        assert_eq!(checked.id, json!(2));
        let record = checked.result.unwrap();
        assert_eq!(record.payment_method.as_deref(), Some("CHECK"));
        assert_eq!(record.group_id, None);
    }

    #[test]
    fn each_broken_rule_has_its_message() {
        assert_eq!(
            message(json!({"tolerance1": 1})),
            "tolerance_Key is required"
        );
        assert_eq!(
            message(json!({"tolerance_Key": "7", "tolerance1": 1})),
            "tolerance_Key must be an integer"
        );
        assert_eq!(
            message(json!({"tolerance_Key": 1.5, "tolerance1": 1})),
            "tolerance_Key must be an integer"
        );
        assert_eq!(
            message(json!({"tolerance_Key": 2_147_483_648_i64, "tolerance1": 1})),
            "tolerance_Key must be between -2147483648 and 2147483647"
        );
        assert_eq!(
            message(json!({"tolerance_Key": 1})),
            "tolerance1 is required"
        );
        assert_eq!(
            message(json!({"tolerance_Key": 1, "tolerance1": "5"})),
            "tolerance1 must be a number"
        );
        assert_eq!(
            message(json!({"tolerance_Key": 3, "tolerance1": 1,
                "group_ID": "GROUP-ID-THAT-IS-WAY-TOO-LONG"})),
            "group_ID must be 20 characters or fewer"
        );
        assert_eq!(
            message(json!({"tolerance_Key": 3, "tolerance1": 1, "entry_Date": "yesterday"})),
            "entry_Date must be an ISO 8601 date-time such as 2019-08-24T14:15:22Z"
        );
        assert_eq!(message(json!([1])), "Each record must be a JSON object");
    }

    #[test]
    fn several_broken_rules_are_all_named() {
        let text = message(json!({"tolerance_Key": 1, "payment_Method": 7}));
        assert_eq!(
            text,
            "tolerance1 is required; payment_Method must be a string or null"
        );
    }

    #[test]
    fn twenty_characters_is_fine_and_counts_characters_not_bytes() {
        let twenty = "É".repeat(20);
        let checked = check(&json!({"tolerance_Key": 1, "tolerance1": 1, "group_ID": twenty}));
        assert!(checked.result.is_ok());
    }
}
