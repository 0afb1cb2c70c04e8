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
/// Bytes of one map key; the model's longest is about 30.
pub const MAX_KEY_BYTES: usize = 64;
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

/// The page's check of one edit from `before` to `after`: refused only when
/// it turns a body that passes into one that does not. A body that fails
/// already (from an older build) takes any edit, so fixing one of two
/// faults is never refused because of the other.
pub fn check_edit<B: crate::doc::DocBody + Clone>(before: &B, after: &B) -> Result<(), Fault> {
    match check_typed(after) {
        Err(fault) if check_typed(before).is_ok() => Err(fault),
        _ => Ok(()),
    }
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
                return Err(text_too_long(&path, text.chars().count()));
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

/// A text over [`MAX_TEXT_CHARS`] at `field` (a path from the root or the body).
fn text_too_long(field: &str, chars: usize) -> Fault {
    let relative = field.strip_prefix("body.").unwrap_or(field);
    Fault::new(
        RefusalCode::TooLarge,
        relative,
        format!("{chars} 字，最多 {MAX_TEXT_CHARS} 字"),
    )
}

/// Walks every value of the document, concurrent ones included, with an
/// explicit stack so that no nesting can exhaust the call stack. Sizes are
/// counted as values are met, key bytes included, and a path is written out
/// only for an object to visit or a fault to report, so a hostile document
/// costs at most about its own size in memory.
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
        let props: Vec<automerge::Prop> = match kind {
            ObjType::Text => {
                let chars = doc.length(&obj);
                if chars > MAX_TEXT_CHARS {
                    return Err(text_too_long(&path, chars));
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
                (0..len).map(automerge::Prop::Seq).collect()
            }
            ObjType::Map | ObjType::Table => {
                let mut keys = Vec::new();
                for key in doc.keys(&obj) {
                    if key.len() > MAX_KEY_BYTES {
                        return Err(too_large(&path, format!("键名超过 {MAX_KEY_BYTES} 字节")));
                    }
                    total += key.len();
                    keys.push(automerge::Prop::Map(key));
                    if keys.len() > MAX_LIST_ITEMS {
                        return Err(too_large(&path, format!("键超过 {MAX_LIST_ITEMS} 个")));
                    }
                }
                keys
            }
        };
        let child_path = |prop: &automerge::Prop| match (prop, path.as_str()) {
            (automerge::Prop::Seq(i), p) => format!("{p}[{i}]"),
            (automerge::Prop::Map(k), "") => k.clone(),
            (automerge::Prop::Map(k), p) => format!("{p}.{k}"),
        };
        for prop in props {
            for (value, id) in doc.get_all(&obj, prop.clone()).unwrap_or_default() {
                total += 16;
                match value {
                    Value::Object(_) => stack.push((id, child_path(&prop), depth + 1)),
                    Value::Scalar(s) => match s.as_ref() {
                        ScalarValue::Str(text) => {
                            let chars = text.chars().count();
                            if chars > MAX_TEXT_CHARS {
                                return Err(text_too_long(&child_path(&prop), chars));
                            }
                            total += text.len();
                        }
                        ScalarValue::Bytes(b) => total += b.len(),
                        _ => {}
                    },
                }
                if total > MAX_BODY_BYTES {
                    return Err(too_large(
                        "",
                        format!("记录超过 {} KB", MAX_BODY_BYTES / 1024),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ActorId, AutoCommit};

    use super::*;
    use crate::doc::{DocHeader, Scope, create, reconcile_body};
    use crate::ids::{DocId, FacilityId, TownshipId};

    fn facility_doc(body: &Facility) -> AutoCommit {
        let header = DocHeader::new(
            DocId::facility(FacilityId::random()),
            Scope::Township(TownshipId::random()),
        );
        let mut doc = create::<Facility>(&header, ActorId::random()).unwrap();
        reconcile_body(&mut doc, body).unwrap();
        doc
    }

    #[test]
    fn a_long_key_is_refused_before_its_children_are_walked() {
        let mut doc = facility_doc(&Facility::default());
        let body = doc.get(ROOT, "body").unwrap().unwrap().1;
        let key = "键".repeat(1000);
        let map = doc.put_object(&body, key.as_str(), ObjType::Map).unwrap();
        for i in 0..2000 {
            doc.put(&map, format!("k{i}"), i as i64).unwrap();
        }
        let fault = check_document(&doc).unwrap_err();
        assert_eq!(fault.code, RefusalCode::TooLarge);
        assert!(fault.message.contains("键名"), "{}", fault.message);
    }

    #[test]
    fn an_edit_of_a_body_that_fails_already_is_taken_one_that_breaks_a_good_body_is_not() {
        let mut good = Facility::default();
        good.profile.beds = Some(10);
        let mut broken = good.clone();
        broken.profile.beds = Some(1_000_000);
        assert_eq!(
            check_edit(&good, &broken).unwrap_err().code,
            RefusalCode::ValueInvalid
        );
        // Two faults from an older build: fixing one is not refused because
        // of the other.
        let mut old = broken.clone();
        old.profile.residents = Some(1_000_000);
        let mut one_fixed = old.clone();
        one_fixed.profile.beds = Some(10);
        assert!(check_edit(&old, &one_fixed).is_ok());
    }
}
