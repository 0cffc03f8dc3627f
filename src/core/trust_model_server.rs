//! The model server of the trust model test: what VBAPI holds, and how one try of a chunk
//! goes under a fault (applied or not, and what comes back), written as the bytes and
//! statuses the app's client reads.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use crate::api::ApiError;
use crate::api::wire::{RawResponse, expect_status};
use crate::core::draft::RowId;
use crate::core::key_pages::{PageAnswer, PageAsk};
use crate::core::multistatus::{BatchAnswer, parse_batch_answer};
use crate::core::planner::Millis;
use crate::core::record::Tolerance;

/// How one try of a chunk goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// A 207 with an item per row, each 200 or 201.
    None,
    /// The whole request answered `status` (a JSON problem or a proxy's HTML page). Only a
    /// 500, 502 or 504 may have been carried out first.
    Status {
        status: u16,
        html: bool,
        applied: bool,
    },
    /// A 207 whose body is an HTML page (a proxy in the way).
    HtmlBody { applied: bool },
    /// A 207 cut short: applied, unreadable.
    Truncated,
    /// No answer within 30 s.
    Timeout { applied: bool },
    /// The connection dropped, before or after the server applied the batch.
    Dropped { applied: bool },
    /// Applied, but the items of the rows `row % every == 0` are missing.
    MissingItems { every: usize },
    /// Applied, with items about keys not sent (one of them claiming a save).
    ExtraItems,
    /// Applied, every id's value written as a string.
    StringIds,
    /// The rows picked by `mask` (row index bit) refused with `status` and not applied.
    FailedItems { mask: u8, status: u16 },
    /// `data: null`. With an error of 500 the batch may have been applied; with another,
    /// it was refused; with none, it may have been applied.
    DataNull { error: Option<u16>, applied: bool },
    /// The browser's own resend: the send was carried out and its connection dropped, and
    /// the client's browser sent it again by itself, unseen; the app reads the answer to
    /// that second send, a refusal (`data: null` with a 400, or every item refused).
    ResentThenRefused { whole: bool },
}

/// Whether two records hold the same values (the server's stamps aside).
pub fn same_values(a: &Tolerance, b: &Tolerance) -> bool {
    (a.key, a.amount, &a.group_id, &a.payment_method)
        == (b.key, b.amount, &b.group_id, &b.payment_method)
}

pub fn fault() -> impl Strategy<Value = Fault> {
    let status = prop::sample::select(vec![401u16, 403, 429, 500, 502, 503, 504]);
    prop_oneof![
        6 => Just(Fault::None),
        6 => (status, any::<bool>(), any::<bool>()).prop_map(|(status, html, applied)| {
            Fault::Status { status, html, applied: applied && matches!(status, 500 | 502 | 504) }
        }),
        1 => any::<bool>().prop_map(|applied| Fault::HtmlBody { applied }),
        1 => Just(Fault::Truncated),
        2 => any::<bool>().prop_map(|applied| Fault::Timeout { applied }),
        2 => any::<bool>().prop_map(|applied| Fault::Dropped { applied }),
        2 => (1usize..4).prop_map(|every| Fault::MissingItems { every }),
        1 => Just(Fault::ExtraItems),
        1 => Just(Fault::StringIds),
        2 => (1u8.., prop::sample::select(vec![400u16, 409, 500]))
            .prop_map(|(mask, status)| Fault::FailedItems { mask, status }),
        1 => (prop::option::of(prop::sample::select(vec![400u16, 500])), any::<bool>())
            .prop_map(|(error, applied)| Fault::DataNull {
                error,
                applied: applied && error != Some(400),
            }),
        1 => any::<bool>().prop_map(|whole| Fault::ResentThenRefused { whole }),
    ]
}

/// A record on the model server, and which row of the editor wrote it (none: loaded or
/// written by someone else).
#[derive(Debug, Clone)]
pub struct Held {
    pub record: Tolerance,
    pub written_by: Option<RowId>,
}

#[derive(Debug, Clone, Default)]
pub struct Server {
    pub records: BTreeMap<i32, Held>,
    /// Keys another writer changed since the editor last wrote them: the editor cannot know
    /// what they hold until it reads them again, so its claims about them are not checked.
    pub stale: BTreeSet<i32>,
    /// Keys whose record another writer saved and the user has not chosen about since
    /// (Keep mine or Take the server's, on a conflict showing that very record): the
    /// editor must never write over them.
    pub unseen: BTreeSet<i32>,
    /// Writes of the editor over an unseen record: lost updates.
    pub overwritten: Vec<String>,
}

impl Server {
    pub fn seeded(count: i32) -> Self {
        let mut server = Server::default();
        for key in 1..=count {
            let record = Tolerance {
                key,
                amount: f64::from(key) * 1.25,
                group_id: Some(format!("G{}", key % 3).into()),
                payment_method: None,
                entry_date: Some("2024-01-15T09:30:00Z".into()),
                entry_user: Some("LOADER".into()),
                update_date: None,
                update_user: None,
            };
            server.records.insert(
                key,
                Held {
                    record,
                    written_by: None,
                },
            );
        }
        server
    }

    /// What a fresh load reads.
    pub fn list(&self) -> Vec<Tolerance> {
        self.records.values().map(|h| h.record.clone()).collect()
    }

    /// Another tab or user saves `record`.
    pub fn write_by_other(&mut self, record: Tolerance) {
        let key = record.key;
        self.stale.insert(key);
        let same = self
            .records
            .get(&key)
            .is_some_and(|h| same_values(&h.record, &record));
        if !same {
            self.unseen.insert(key);
        }
        let held = Held {
            record,
            written_by: None,
        };
        self.records.insert(key, held);
    }

    /// Another tab or user deletes `key` (a deletion leaves no record to write over).
    pub fn delete_by_other(&mut self, key: i32) {
        if self.records.remove(&key).is_some() {
            self.stale.insert(key);
            self.unseen.remove(&key);
        }
    }

    /// One page of `GET /tolerances?sortBy=tolerance_Key:asc`, as the sandbox pages it.
    pub fn list_page(&self, ask: PageAsk) -> PageAnswer {
        let size = ask.size as usize;
        PageAnswer {
            records: self
                .records
                .values()
                .skip((ask.page as usize - 1) * size)
                .take(size)
                .map(|h| h.record.clone())
                .collect(),
            total: Some(self.records.len() as u64),
            page_size: Some(ask.size),
        }
    }

    /// Writes one row as the batch endpoint does (an upsert); 201 when it created it.
    fn upsert(&mut self, row: RowId, record: &Tolerance) -> u16 {
        if self.unseen.remove(&record.key) {
            self.overwritten.push(format!(
                "{record:?} (row {row:?}) was written over {:?}, saved by another user the \
                 user never chose about",
                self.records.get(&record.key).map(|h| &h.record)
            ));
        }
        self.stale.remove(&record.key);
        let created = !self.records.contains_key(&record.key);
        let held = Held {
            record: record.clone(),
            written_by: Some(row),
        };
        self.records.insert(record.key, held);
        if created { 201 } else { 200 }
    }

    /// One try of a chunk under `fault`: applies what the fault says the server applied and
    /// returns how long the answer takes and what the client makes of it, read by the same
    /// functions as `api::send_chunk` reads a real answer.
    pub fn answer(
        &mut self,
        rows: &[RowId],
        records: &[Tolerance],
        fault: Fault,
    ) -> (Millis, Result<BatchAnswer, ApiError>) {
        let apply_all = |server: &mut Self| -> Vec<u16> {
            rows.iter()
                .zip(records)
                .map(|(row, record)| server.upsert(*row, record))
                .collect()
        };
        let item = |key: &str, status: u16| {
            let body = match status {
                200 => "Updated",
                201 => "Created",
                _ => "Refused",
            };
            format!(
                r#"{{"id":[{{"key":"tolerance_Key","value":{key}}}],"status":{status},"body":"{body}"}}"#
            )
        };
        let items = |statuses: &[(usize, u16)], quoted: bool| -> Vec<String> {
            statuses
                .iter()
                .map(|(i, status)| {
                    let key = records[*i].key;
                    let key = if quoted {
                        format!("\"{key}\"")
                    } else {
                        key.to_string()
                    };
                    item(&key, *status)
                })
                .collect()
        };
        let envelope = |items: Vec<String>| {
            format!(
                r#"{{"data":[{}],"error":null,"debug":{{"activityID":"M:1"}}}}"#,
                items.join(",")
            )
        };
        let numbered = |statuses: Vec<u16>| -> Vec<(usize, u16)> {
            statuses.into_iter().enumerate().collect()
        };
        let respond = |status: u16, body: String, retry_after: Option<&str>| {
            let raw = RawResponse {
                status,
                body,
                retry_after: retry_after.map(str::to_string),
                pagination: None,
            };
            // As `api::send_chunk`.
            expect_status(raw, &[207, 200])
                .and_then(|raw| parse_batch_answer(&raw.body).map_err(ApiError::from))
        };
        match fault {
            Fault::None => {
                let statuses = numbered(apply_all(self));
                (80, respond(207, envelope(items(&statuses, false)), None))
            }
            Fault::Status {
                status,
                html,
                applied,
            } => {
                if applied {
                    apply_all(self);
                }
                let body = if html {
                    format!("<html><body><h1>{status}</h1></body></html>")
                } else {
                    format!(
                        r#"{{"data":null,"error":{{"title":"HTTP {status}","status":{status}}},"debug":{{"activityID":"M:2"}}}}"#
                    )
                };
                let retry_after = matches!(status, 429 | 503).then_some("1");
                (60, respond(status, body, retry_after))
            }
            Fault::HtmlBody { applied } => {
                if applied {
                    apply_all(self);
                }
                (90, respond(207, "<html>Service page</html>".into(), None))
            }
            Fault::Truncated => {
                let statuses = numbered(apply_all(self));
                let body = envelope(items(&statuses, false));
                let cut = body[..body.len() / 2].to_string();
                (90, respond(207, cut, None))
            }
            Fault::Timeout { applied } => {
                if applied {
                    apply_all(self);
                }
                (30_000, Err(ApiError::Timeout))
            }
            Fault::Dropped { applied } => {
                if applied {
                    apply_all(self);
                }
                (40, Err(ApiError::Network("connection reset".into())))
            }
            Fault::MissingItems { every } => {
                let mut statuses = numbered(apply_all(self));
                statuses.retain(|(i, _)| i % every != 0);
                (80, respond(207, envelope(items(&statuses, false)), None))
            }
            Fault::ExtraItems => {
                let statuses = numbered(apply_all(self));
                let mut listed = items(&statuses, false);
                // A save claimed for a key nobody sent, one for a key that is in the table
                // but was not sent, and one naming no key.
                listed.insert(0, item("99999", 200));
                listed.push(item("1", 200));
                listed.push(r#"{"id":[],"status":201,"body":"Created"}"#.into());
                (80, respond(207, envelope(listed), None))
            }
            Fault::StringIds => {
                let statuses = numbered(apply_all(self));
                (80, respond(207, envelope(items(&statuses, true)), None))
            }
            Fault::FailedItems { mask, status } => {
                let statuses: Vec<(usize, u16)> = (0..rows.len())
                    .map(|i| {
                        if mask & (1 << (i % 8)) != 0 {
                            (i, status)
                        } else {
                            (i, self.upsert(rows[i], &records[i]))
                        }
                    })
                    .collect();
                (80, respond(207, envelope(items(&statuses, false)), None))
            }
            Fault::ResentThenRefused { whole } => {
                apply_all(self);
                if whole {
                    let body = r#"{"data":null,"error":{"title":"Batch refused","status":400},"debug":{"activityID":"M:4"}}"#;
                    return (90, respond(207, body.into(), None));
                }
                let refused: Vec<(usize, u16)> = (0..rows.len()).map(|i| (i, 400)).collect();
                (90, respond(207, envelope(items(&refused, false)), None))
            }
            Fault::DataNull { error, applied } => {
                if applied {
                    apply_all(self);
                }
                let error = match error {
                    Some(status) => format!(r#"{{"title":"Batch failed","status":{status}}}"#),
                    None => "null".into(),
                };
                let body =
                    format!(r#"{{"data":null,"error":{error},"debug":{{"activityID":"M:3"}}}}"#);
                (70, respond(207, body, None))
            }
        }
    }
}
