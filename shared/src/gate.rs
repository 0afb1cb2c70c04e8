//! The content half of the write gate: what a document's state must satisfy
//! to be stored. The phone runs it before it writes an edit and the server
//! before it commits a sync, so the two never disagree about what is valid.
//!
//! The server adds what only it can know (scope from its own records, the
//! header as stored, actors, ids across the county; see the server's `gate`).
//!
//! The checks, in order, each answered with a [`Fault`] naming the field:
//! 1. a readable header at this build's schema version;
//! 2. sizes: no text over [`MAX_TEXT_CHARS`], no list over [`MAX_LIST_ITEMS`],
//!    no nesting deeper than [`MAX_DEPTH`], the whole over [`MAX_BODY_BYTES`];
//! 3. shape: the body hydrates into its kind's model;
//! 4. values: the integrity rules of [`validate`](crate::validate)
//!    ([`validate::INTEGRITY_RULES`]: amounts, counts, dates, GPS, photos,
//!    no resident ID numbers). Completeness rules (required fields) are not
//!    here: a half-filled draft is storable;
//! 5. ids: every keyed list item's id is unique within the document.

use std::collections::HashSet;
use std::fmt::Display;

use automerge::{ObjType, ROOT, ReadDoc, ScalarValue, Value};

use crate::doc::header::BODY;
use crate::doc::{DocHeader, DocKind, SCHEMA_VERSION, hydrate_doc, read_header};
use crate::model::{CountyRecord, CountySettings, Facility, FacilityReview, TownshipLog};
use crate::sync::RefusalCode;
use crate::validate::{self, ValidationError};

/// Characters one text field may hold: a page of notes, far above any name,
/// address or finding an inspector writes.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Items one list may hold (visits of a facility, interviews of a visit, …).
pub const MAX_LIST_ITEMS: usize = 5_000;
/// Nesting of maps and lists; the model is six levels deep.
pub const MAX_DEPTH: usize = 12;
/// The whole document's state, counted as its text bytes plus 16 bytes a value.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a document's state may not be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub code: RefusalCode,
    /// Path relative to the body (`visits[<id>].findings…`), or a header
    /// field as `header.<name>`; empty for the document as a whole.
    pub field: String,
    /// zh-CN, names the field.
    pub message: String,
}

impl Fault {
    pub fn new(code: RefusalCode, field: impl Into<String>, detail: impl Display) -> Self {
        let field = field.into();
        let message = match field.as_str() {
            "" => format!("{}：{detail}", code.label_zh()),
            f => format!("{}（{f}）：{detail}", code.label_zh()),
        };
        Self {
            code,
            field,
            message,
        }
    }
}

impl From<ValidationError> for Fault {
    fn from(e: ValidationError) -> Self {
        Self::new(RefusalCode::ValueInvalid, e.field, e.message_zh)
    }
}

/// A document body as its kind's model. One lives per write, so the size
/// of the facility variant costs nothing worth boxing for.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Body {
    Facility(Facility),
    Review(FacilityReview),
    County(CountyRecord),
    TownshipLog(TownshipLog),
    Settings(CountySettings),
}

/// Checks a whole document: header, sizes, shape, values, ids. Returns its
/// header and body when it may be stored.
pub fn check_document<D>(doc: &D) -> Result<(DocHeader, Body), Fault>
where
    D: ReadDoc + autosurgeon::ReadDoc,
{
    let header =
        read_header(doc).map_err(|e| Fault::new(RefusalCode::HeaderInvalid, "header", e))?;
    if header.schema_version != SCHEMA_VERSION {
        return Err(Fault::new(
            RefusalCode::SchemaVersionUnknown,
            "header.schema_version",
            format!(
                "版本 {}，服务器支持 {SCHEMA_VERSION}",
                header.schema_version
            ),
        ));
    }
    check_sizes(doc)?;
    let body = hydrate_body(doc, header.kind)?;
    check_body(&body)?;
    Ok((header, body))
}

fn hydrate_body<D>(doc: &D, kind: DocKind) -> Result<Body, Fault>
where
    D: ReadDoc + autosurgeon::ReadDoc,
{
    fn shape(e: impl Display) -> Fault {
        Fault::new(RefusalCode::ShapeInvalid, BODY, e)
    }
    Ok(match kind {
        DocKind::Facility => Body::Facility(hydrate_doc(doc).map_err(shape)?.body),
        DocKind::Review => Body::Review(hydrate_doc(doc).map_err(shape)?.body),
        DocKind::County => Body::County(hydrate_doc(doc).map_err(shape)?.body),
        DocKind::TownshipLog => Body::TownshipLog(hydrate_doc(doc).map_err(shape)?.body),
        DocKind::Settings => Body::Settings(hydrate_doc(doc).map_err(shape)?.body),
    })
}

/// [`check_body`] for a typed body of any kind.
pub fn check_typed<B: crate::doc::DocBody + Clone>(body: &B) -> Result<(), Fault> {
    check_body(&body.clone().into_body())
}

/// Values and ids of a typed body; the page runs this on every edit.
pub fn check_body(body: &Body) -> Result<(), Fault> {
    let errors = match body {
        Body::Facility(f) => validate::validate_facility(f, validate::NO_TODAY),
        Body::Review(r) => validate::validate_review(r, validate::NO_TODAY),
        Body::County(c) => validate::validate_county_record(c, validate::NO_TODAY),
        Body::TownshipLog(l) => validate::validate_township_log(l, validate::NO_TODAY),
        Body::Settings(s) => validate::validate_settings(s),
    };
    if let Some(e) = errors.into_iter().find(ValidationError::is_integrity) {
        return Err(e.into());
    }
    text_lengths(body)?;
    unique_ids(body)
}

/// The text cap on a typed body, as [`check_sizes`] applies it to the
/// document: the page checks an edit before it writes it.
fn text_lengths(body: &Body) -> Result<(), Fault> {
    let value = match body {
        Body::Facility(b) => serde_json::to_value(b),
        Body::Review(b) => serde_json::to_value(b),
        Body::County(b) => serde_json::to_value(b),
        Body::TownshipLog(b) => serde_json::to_value(b),
        Body::Settings(b) => serde_json::to_value(b),
    }
    .unwrap_or_default();
    let mut stack = vec![(String::new(), &value)];
    while let Some((path, value)) = stack.pop() {
        match value {
            serde_json::Value::String(text) if text.chars().count() > MAX_TEXT_CHARS => {
                return Err(Fault::new(
                    RefusalCode::TooLarge,
                    path,
                    format!("{} 字，最多 {MAX_TEXT_CHARS} 字", text.chars().count()),
                ));
            }
            serde_json::Value::Array(items) => stack.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("{path}[{i}]"), v)),
            ),
            serde_json::Value::Object(map) => stack.extend(map.iter().map(|(k, v)| {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                (child, v)
            })),
            _ => {}
        }
    }
    Ok(())
}

fn unique_ids(body: &Body) -> Result<(), Fault> {
    match body {
        Body::Facility(f) => {
            unique("visits", f.visits.iter().map(|v| v.id))?;
            for v in &f.visits {
                let at = |list: &str| format!("visits[{}].{list}", v.id);
                unique(&at("interviews"), v.interviews.iter().map(|i| i.id))?;
                unique(&at("photos"), v.photos.iter().map(|p| p.id))?;
                unique(&at("replies"), v.replies.iter().map(|c| c.id))?;
            }
        }
        Body::Review(r) => {
            unique("reviews", r.reviews.iter().map(|r| r.visit))?;
            for review in &r.reviews {
                let field = format!("reviews[{}].comments", review.visit);
                unique(&field, review.comments.iter().map(|c| c.id))?;
            }
            unique(
                "disposal.measures",
                r.disposal.measures.iter().map(|m| m.id),
            )?;
            unique(
                "disposal.progress",
                r.disposal.progress.iter().map(|p| p.id),
            )?;
        }
        Body::County(c) => {
            unique("online_checks", c.online_checks.iter().map(|c| c.id))?;
            unique("notes", c.notes.iter().map(|n| n.id))?;
        }
        Body::TownshipLog(l) => {
            unique("leadership_group", l.leadership_group.iter().map(|m| m.id))?;
            unique("activities", l.activities.iter().map(|a| a.id))?;
        }
        Body::Settings(s) => unique("townships", s.townships.iter().map(|t| t.id))?,
    }
    Ok(())
}

fn unique<T: Display + Eq + std::hash::Hash>(
    list: &str,
    ids: impl Iterator<Item = T>,
) -> Result<(), Fault> {
    let mut seen = HashSet::new();
    for id in ids {
        if seen.contains(&id) {
            return Err(Fault::new(
                RefusalCode::IdDuplicate,
                format!("{list}[{id}]"),
                "同一编号出现了两次",
            ));
        }
        seen.insert(id);
    }
    Ok(())
}

/// Walks every value of the document, concurrent ones included, with an
/// explicit stack so that no nesting can exhaust the call stack.
pub fn check_sizes<D: ReadDoc>(doc: &D) -> Result<(), Fault> {
    let too_large = |field: &str, detail: String| {
        let relative = field.strip_prefix("body.").unwrap_or(field);
        Fault::new(RefusalCode::TooLarge, relative, detail)
    };
    let mut total = 0usize;
    let mut stack = vec![(ROOT, String::new(), 0usize)];
    while let Some((obj, path, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(too_large(&path, format!("嵌套超过 {MAX_DEPTH} 层")));
        }
        let kind = doc.object_type(&obj).unwrap_or(ObjType::Map);
        // Every child value, concurrent ones included, with its path.
        let children: Vec<(String, (Value<'_>, automerge::ObjId))> = match kind {
            ObjType::Text => {
                let chars = doc.length(&obj);
                if chars > MAX_TEXT_CHARS {
                    return Err(too_large(
                        &path,
                        format!("{chars} 字，最多 {MAX_TEXT_CHARS} 字"),
                    ));
                }
                total += chars * 4;
                continue;
            }
            ObjType::List => {
                let len = doc.length(&obj);
                if len > MAX_LIST_ITEMS {
                    return Err(too_large(
                        &path,
                        format!("{len} 项，最多 {MAX_LIST_ITEMS} 项"),
                    ));
                }
                (0..len)
                    .flat_map(|i| {
                        let child = format!("{path}[{i}]");
                        doc.get_all(&obj, i)
                            .unwrap_or_default()
                            .into_iter()
                            .map(move |v| (child.clone(), v))
                    })
                    .collect()
            }
            ObjType::Map | ObjType::Table => {
                let keys: Vec<String> = doc.keys(&obj).collect();
                if keys.len() > MAX_LIST_ITEMS {
                    return Err(too_large(
                        &path,
                        format!("{} 个键，最多 {MAX_LIST_ITEMS} 个", keys.len()),
                    ));
                }
                keys.into_iter()
                    .flat_map(|k| {
                        let child = match path.as_str() {
                            "" => k.clone(),
                            p => format!("{p}.{k}"),
                        };
                        doc.get_all(&obj, k.as_str())
                            .unwrap_or_default()
                            .into_iter()
                            .map(move |v| (child.clone(), v))
                    })
                    .collect()
            }
        };
        for (child, (value, id)) in children {
            total += 16;
            match value {
                Value::Object(_) => stack.push((id, child, depth + 1)),
                Value::Scalar(s) => {
                    if let ScalarValue::Str(text) = s.as_ref() {
                        let chars = text.chars().count();
                        if chars > MAX_TEXT_CHARS {
                            return Err(too_large(
                                &child,
                                format!("{chars} 字，最多 {MAX_TEXT_CHARS} 字"),
                            ));
                        }
                        total += text.len();
                    }
                    if let ScalarValue::Bytes(b) = s.as_ref() {
                        total += b.len();
                    }
                }
            }
            if total > MAX_BODY_BYTES {
                return Err(too_large(
                    "",
                    format!("记录超过 {} KB", MAX_BODY_BYTES / 1024),
                ));
            }
        }
    }
    Ok(())
}
