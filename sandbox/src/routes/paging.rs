//! `page`, `pageSize` and `sortBy` (`tolerance1:desc,group_ID:asc`) of the list endpoints,
//! checked against the table's own fields, and the `x-pagination` header they answer with.

use serde_json::json;

use crate::envelope::ApiError;
use crate::store::{ListSpec, PageRequest};

pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const MAX_PAGE_SIZE: u32 = 10_000;

/// Percent-decodes one query component (`+` is a space).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Query parameters; names are matched case-insensitively, as ASP.NET does.
fn param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        decode(key)
            .eq_ignore_ascii_case(name)
            .then(|| decode(value))
    })
}

fn whole_number(query: Option<&str>, name: &str, default: u32, max: u32) -> Result<u32, ApiError> {
    match param(query, name) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::Validation(format!(
                "{name} must be a whole number from 1 to {max}."
            ))),
        },
    }
}

pub fn page_request(query: Option<&str>, spec: &ListSpec) -> Result<PageRequest, ApiError> {
    let page = whole_number(query, "page", 1, u32::MAX / MAX_PAGE_SIZE)?;
    let page_size = whole_number(query, "pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let mut sort = Vec::new();
    if let Some(text) = param(query, "sortBy") {
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, direction) = part.split_once(':').unwrap_or((part, "asc"));
            let index = spec
                .columns
                .iter()
                .position(|(name, _)| name.eq_ignore_ascii_case(field.trim()))
                .ok_or_else(|| {
                    ApiError::Validation(format!("sortBy names an unknown field: {field}."))
                })?;
            let descending = match direction.trim().to_ascii_lowercase().as_str() {
                "asc" => false,
                "desc" => true,
                other => {
                    return Err(ApiError::Validation(format!(
                        "sortBy direction must be asc or desc, not {other}."
                    )));
                }
            };
            sort.push((index, descending));
        }
    }
    Ok(PageRequest {
        page,
        page_size,
        sort,
    })
}

/// The `x-pagination` header's JSON.
pub fn pagination_header(total: u64, request: &PageRequest) -> String {
    let size = u64::from(request.page_size);
    json!({
        "TotalCount": total,
        "TotalPages": total.div_ceil(size),
        "CurrentPage": request.page,
        "PageSize": request.page_size,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::TOLERANCES;

    #[test]
    fn reads_paging_and_sorting() {
        let request = page_request(
            Some("page=2&PAGESIZE=50&sortBy=tolerance1%3Adesc,group_ID:asc"),
            &TOLERANCES,
        )
        .unwrap();
        assert_eq!((request.page, request.page_size), (2, 50));
        assert_eq!(request.sort, [(5, true), (3, false)]);
        let defaults = page_request(None, &TOLERANCES).unwrap();
        assert_eq!((defaults.page, defaults.page_size), (1, 100));
    }

    #[test]
    fn refuses_what_it_cannot_do() {
        for bad in [
            "page=0",
            "pageSize=x",
            "pageSize=10001",
            "sortBy=nope",
            "sortBy=tolerance1:up",
        ] {
            assert!(page_request(Some(bad), &TOLERANCES).is_err(), "{bad}");
        }
    }

    #[test]
    fn pagination_header_is_the_documented_object() {
        let request = PageRequest {
            page: 1,
            page_size: 100,
            sort: vec![],
        };
        let header: serde_json::Value =
            serde_json::from_str(&pagination_header(2, &request)).unwrap();
        assert_eq!(
            header,
            json!({"TotalCount": 2, "TotalPages": 1, "CurrentPage": 1, "PageSize": 100})
        );
    }
}
