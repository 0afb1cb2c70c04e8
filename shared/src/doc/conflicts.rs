//! Fields where concurrent edits left more than one value, and the lead's
//! way to settle one.
//!
//! Automerge keeps every concurrent value of a field and shows one (the
//! winner); nothing is lost. [`conflicts`] lists them with their authors'
//! actor ids (the server binds each actor to a user and device), and
//! [`resolve_conflict`] writes the value the lead picked, which supersedes
//! all of them.

use std::fmt;
use std::str::FromStr;

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjId, ObjType, Prop, ROOT, ReadDoc, Value, hydrate};
use automerge::{AutomergeError, ScalarValue};

/// One step from a parent object to a child. List items that are maps with
/// an `"id"` string (every keyed model struct) are named by that id, which
/// stays valid when other items are inserted before them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSeg {
    Key(String),
    Id(String),
    Index(usize),
}

/// Where a field is, from the document root: `body.visits[<id>].findings.solvency`;
/// a list item without an id is `[#3]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FieldPath(pub Vec<PathSeg>);

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSeg::Key(k) if i == 0 => write!(f, "{k}")?,
                PathSeg::Key(k) => write!(f, ".{k}")?,
                PathSeg::Id(id) => write!(f, "[{id}]")?,
                PathSeg::Index(n) => write!(f, "[#{n}]")?,
            }
        }
        Ok(())
    }
}

impl FromStr for FieldPath {
    type Err = ConflictError;
    fn from_str(s: &str) -> Result<Self, ConflictError> {
        let bad = || ConflictError::BadPath(s.to_owned());
        let mut segs = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let (inner, tail) = after.split_once(']').ok_or_else(bad)?;
                segs.push(match inner.strip_prefix('#') {
                    Some(n) => PathSeg::Index(n.parse().map_err(|_| bad())?),
                    None => PathSeg::Id(inner.to_owned()),
                });
                rest = tail;
            } else {
                let key = if segs.is_empty() {
                    rest
                } else {
                    rest.strip_prefix('.').ok_or_else(bad)?
                };
                let end = key.find(['.', '[']).unwrap_or(key.len());
                if end == 0 {
                    return Err(bad());
                }
                segs.push(PathSeg::Key(key[..end].to_owned()));
                rest = &key[end..];
            }
        }
        Ok(Self(segs))
    }
}

/// One of the concurrent values of a field.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictValue {
    /// A scalar, or the whole object when two people created one concurrently.
    pub value: hydrate::Value,
    /// The actor whose change wrote this value.
    pub actor: ActorId,
    /// True for the value a plain read (hydrate) currently shows.
    pub shown: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldConflict {
    pub path: FieldPath,
    pub values: Vec<ConflictValue>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConflictError {
    #[error("{0:?} is not a field path")]
    BadPath(String),
    #[error("no field at {0}")]
    NotFound(String),
    #[error(transparent)]
    Automerge(#[from] AutomergeError),
}

/// Every field holding more than one distinct concurrent value, in document
/// order. Identical concurrent values (two phones migrating the same
/// document) are not a disagreement and are left out. Text objects are not
/// searched: the model stores no Automerge text.
pub fn conflicts<D: ReadDoc>(doc: &D) -> Vec<FieldConflict> {
    let mut out = Vec::new();
    walk(doc, &ROOT, &mut Vec::new(), &mut out);
    out
}

fn walk<D: ReadDoc>(doc: &D, obj: &ObjId, path: &mut Vec<PathSeg>, out: &mut Vec<FieldConflict>) {
    let props: Vec<(Prop, PathSeg)> = match doc.object_type(obj) {
        Ok(ObjType::Map | ObjType::Table) => doc
            .keys(obj)
            .map(|k| (Prop::Map(k.clone()), PathSeg::Key(k)))
            .collect(),
        Ok(ObjType::List) => (0..doc.length(obj))
            .map(|i| (Prop::Seq(i), item_seg(doc, obj, i)))
            .collect(),
        _ => return,
    };
    for (prop, seg) in props {
        path.push(seg);
        let all = doc.get_all(obj, prop.clone()).unwrap_or_default();
        if all.len() > 1 {
            record(doc, obj, &prop, all, path, out);
        }
        if let Ok(Some((Value::Object(_), child))) = doc.get(obj, prop) {
            walk(doc, &child, path, out);
        }
        path.pop();
    }
}

fn record<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    prop: &Prop,
    all: Vec<(Value<'_>, ObjId)>,
    path: &[PathSeg],
    out: &mut Vec<FieldConflict>,
) {
    let shown = doc.get(obj, prop.clone()).ok().flatten().map(|(_, id)| id);
    let values: Vec<ConflictValue> = all
        .into_iter()
        .filter_map(|(v, id)| {
            let ObjId::Id(_, actor, _) = &id else {
                return None;
            };
            let value = match v {
                Value::Scalar(s) => hydrate::Value::Scalar(s.into_owned()),
                Value::Object(_) => doc.hydrate(&id, None).ok()?,
            };
            Some(ConflictValue {
                value,
                actor: actor.clone(),
                shown: shown.as_ref() == Some(&id),
            })
        })
        .collect();
    if values.iter().any(|v| v.value != values[0].value) {
        out.push(FieldConflict {
            path: FieldPath(path.to_vec()),
            values,
        });
    }
}

fn item_seg<D: ReadDoc>(doc: &D, list: &ObjId, index: usize) -> PathSeg {
    item_id(doc, list, index).map_or(PathSeg::Index(index), PathSeg::Id)
}

fn item_id<D: ReadDoc>(doc: &D, list: &ObjId, index: usize) -> Option<String> {
    let Ok(Some((Value::Object(ObjType::Map), item))) = doc.get(list, index) else {
        return None;
    };
    match doc.get(&item, "id") {
        Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
            ScalarValue::Str(id) => Some(id.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// Writes `chosen` at `path`, superseding every concurrent value there, as a
/// change by `doc`'s actor. Any value may be written, not only one of the
/// conflicting ones: the lead may also correct both.
pub fn resolve_conflict(
    doc: &mut AutoCommit,
    path: &FieldPath,
    chosen: &hydrate::Value,
) -> Result<(), ConflictError> {
    let not_found = || ConflictError::NotFound(path.to_string());
    let (last, parents) = path.0.split_last().ok_or_else(not_found)?;
    let mut obj = ROOT;
    for seg in parents {
        let prop = prop_of(doc, &obj, seg).ok_or_else(not_found)?;
        obj = match doc.get(&obj, prop)? {
            Some((Value::Object(_), child)) => child,
            _ => return Err(not_found()),
        };
    }
    let prop = prop_of(doc, &obj, last).ok_or_else(not_found)?;
    put_value(doc, &obj, prop, chosen)?;
    Ok(())
}

fn prop_of(doc: &AutoCommit, obj: &ObjId, seg: &PathSeg) -> Option<Prop> {
    match seg {
        PathSeg::Key(k) => Some(Prop::Map(k.clone())),
        PathSeg::Index(i) => Some(Prop::Seq(*i)),
        PathSeg::Id(id) => (0..doc.length(obj))
            .find(|&i| item_id(doc, obj, i).as_deref() == Some(id))
            .map(Prop::Seq),
    }
}

/// Puts a scalar or a whole object tree at `obj[prop]`.
pub(crate) fn put_value<P: Into<Prop>>(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: P,
    value: &hydrate::Value,
) -> Result<(), AutomergeError> {
    match value {
        hydrate::Value::Scalar(s) => doc.put(obj, prop, s.clone()),
        object => doc.batch_create_object(obj, prop, object, false).map(drop),
    }
}

/// A field conflict in words, for lists, feeds and tables: where, and every
/// value still standing, so nobody reads only the winner.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenConflict {
    /// Path relative to the document body (`profile.name`), prefixed with
    /// the document kind's label when it is not the facility document.
    pub field: String,
    /// Every concurrent value, as text, the shown one first.
    pub values: Vec<String>,
}

impl OpenConflict {
    /// `profile.name：甲／乙`.
    pub fn text(&self) -> String {
        format!("{}：{}", self.field, self.values.join("／"))
    }
}

/// The open conflicts of a document; `prefix` names a document other than
/// the facility's (its kind's label).
pub fn open_conflicts<D: ReadDoc>(doc: &D, prefix: Option<&str>) -> Vec<OpenConflict> {
    conflicts(doc)
        .into_iter()
        .map(|c| {
            let path = c.path.to_string();
            let relative = path.strip_prefix("body.").unwrap_or(&path);
            let field = match prefix {
                Some(p) => format!("{p}·{relative}"),
                None => relative.to_owned(),
            };
            let mut values = c.values;
            values.sort_by_key(|v| !v.shown);
            OpenConflict {
                field,
                values: values.iter().map(|v| value_text(&v.value)).collect(),
            }
        })
        .collect()
}

fn value_text(value: &hydrate::Value) -> String {
    match value {
        hydrate::Value::Scalar(s) => match s {
            ScalarValue::Str(t) => t.to_string(),
            ScalarValue::Null => "（空）".to_owned(),
            ScalarValue::Boolean(true) => "是".to_owned(),
            ScalarValue::Boolean(false) => "否".to_owned(),
            ScalarValue::Int(n) => n.to_string(),
            ScalarValue::Uint(n) => n.to_string(),
            ScalarValue::F64(x) => x.to_string(),
            other => other.to_string(),
        },
        _ => "（一组内容）".to_owned(),
    }
}
