//! Field specs: one row per editable field of a model struct — its key, its
//! label and how to read and write it — so pages render forms from tables and
//! every edit goes through one [`set`].
//!
//! A key is the field's path relative to its root struct, spelled the way
//! `mopai_shared::validate` and conflict paths spell it
//! (`findings.prepayment.total_yuan`), so a validation message or a conflict
//! lands on the field it is about without a second table.

use mopai_shared::model::{Choices, Coded, Day};

use super::value::{Value, join_lines};

/// A vocabulary option: code and Chinese label.
pub type Opt = (&'static str, &'static str);

/// Reads and writes one field of `S`.
pub struct Lens<S: 'static, T: 'static> {
    pub get: fn(&S) -> &T,
    pub put: fn(&mut S) -> &mut T,
}

/// How a field is edited. Vocabularies are erased to their codes here, so
/// one table can hold fields of several enums.
pub enum Kind<S: 'static> {
    Text {
        lens: Lens<S, String>,
        long: bool,
    },
    Lines(Lens<S, Vec<String>>),
    Count(Lens<S, Option<u32>>),
    Money(Lens<S, Option<i64>>),
    Flag(Lens<S, Option<bool>>),
    Tick(Lens<S, bool>),
    Date(Lens<S, Option<Day>>),
    One {
        get: fn(&S) -> Option<&'static str>,
        put: fn(&mut S, Option<&str>),
        options: fn() -> Vec<Opt>,
    },
    Many {
        get: fn(&S, &str) -> Option<bool>,
        put: fn(&mut S, &str, Option<bool>),
        options: fn() -> Vec<Opt>,
    },
}

pub struct Field<S: 'static> {
    pub key: &'static str,
    pub label: &'static str,
    /// Shown under the control; empty for none.
    pub hint: &'static str,
    pub kind: Kind<S>,
    /// When the field applies at all (e.g. a reason only for off-site visits).
    pub show: Option<fn(&S) -> bool>,
}

impl<S> Field<S> {
    pub fn visible(&self, root: &S) -> bool {
        self.show.is_none_or(|show| show(root))
    }
}

/// Every option of a vocabulary, for `Kind::One` and `Kind::Many`.
pub fn options<T: Coded>() -> Vec<Opt> {
    T::ALL.iter().map(|t| (t.code(), t.label_zh())).collect()
}

/// Reads one multi-select option by code.
pub fn pick<T: Coded>(choices: &Choices<T>, code: &str) -> Option<bool> {
    T::from_code(code).and_then(|t| choices.get(t))
}

/// Writes one multi-select option by code; unknown codes are ignored.
pub fn set_pick<T: Coded>(choices: &mut Choices<T>, code: &str, answer: Option<bool>) {
    if let Some(t) = T::from_code(code) {
        choices.set(t, answer);
    }
}

/// Builds a [`Field`]: `field!(path.to.field, "标签", kind)` where kind is
/// `text`, `long`, `lines`, `count`, `money`, `flag`, `tick`, `date`, `one(Enum)`
/// or `many(Enum)`; then optionally `; hint "…"` and `; show |root| …`. The
/// key is the path as written, so it cannot drift from the field it reads.
macro_rules! field {
    (@key $first:ident $(. $rest:ident)*) => { concat!(stringify!($first) $(, ".", stringify!($rest))*) };
    (@lens $($p:ident).+) => {
        $crate::form::field::Lens { get: |s| &s.$($p).+, put: |s| &mut s.$($p).+ }
    };
    (@kind text $($p:ident).+) => { $crate::form::field::Kind::Text { lens: field!(@lens $($p).+), long: false } };
    (@kind long $($p:ident).+) => { $crate::form::field::Kind::Text { lens: field!(@lens $($p).+), long: true } };
    (@kind lines $($p:ident).+) => { $crate::form::field::Kind::Lines(field!(@lens $($p).+)) };
    (@kind count $($p:ident).+) => { $crate::form::field::Kind::Count(field!(@lens $($p).+)) };
    (@kind money $($p:ident).+) => { $crate::form::field::Kind::Money(field!(@lens $($p).+)) };
    (@kind flag $($p:ident).+) => { $crate::form::field::Kind::Flag(field!(@lens $($p).+)) };
    (@kind tick $($p:ident).+) => { $crate::form::field::Kind::Tick(field!(@lens $($p).+)) };
    (@kind date $($p:ident).+) => { $crate::form::field::Kind::Date(field!(@lens $($p).+)) };
    (@kind one $t:ty, $($p:ident).+) => {
        $crate::form::field::Kind::One {
            get: |s| s.$($p).+.map(<$t>::code),
            put: |s, code| s.$($p).+ = code.and_then(<$t>::from_code),
            options: $crate::form::field::options::<$t>,
        }
    };
    (@kind many $t:ty, $($p:ident).+) => {
        $crate::form::field::Kind::Many {
            get: |s, code| $crate::form::field::pick::<$t>(&s.$($p).+, code),
            put: |s, code, a| $crate::form::field::set_pick::<$t>(&mut s.$($p).+, code, a),
            options: $crate::form::field::options::<$t>,
        }
    };
    ($($p:ident).+, $label:literal, one($t:ty) $(; hint $hint:literal)? $(; show $show:expr)?) => {
        field!(@build field!(@key $($p).+), $label, field!(@kind one $t, $($p).+), $($hint)?, $($show)?)
    };
    ($($p:ident).+, $label:literal, many($t:ty) $(; hint $hint:literal)? $(; show $show:expr)?) => {
        field!(@build field!(@key $($p).+), $label, field!(@kind many $t, $($p).+), $($hint)?, $($show)?)
    };
    ($($p:ident).+, $label:literal, $kind:ident $(; hint $hint:literal)? $(; show $show:expr)?) => {
        field!(@build field!(@key $($p).+), $label, field!(@kind $kind $($p).+), $($hint)?, $($show)?)
    };
    (@build $key:expr, $label:literal, $kind:expr, $($hint:literal)?, $($show:expr)?) => {
        $crate::form::field::Field {
            key: $key,
            label: $label,
            hint: field!(@hint $($hint)?),
            kind: $kind,
            show: field!(@show $($show)?),
        }
    };
    (@hint) => { "" };
    (@hint $hint:literal) => { $hint };
    (@show) => { None };
    (@show $show:expr) => { Some($show) };
}
pub(crate) use field;

/// Why an edit could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    #[error("没有字段 {0}")]
    NoSuchField(String),
    #[error("字段 {0} 不接受这种值")]
    WrongValue(String),
    #[error("{0} 超出范围")]
    OutOfRange(String),
}

/// Writes `value` into the field `key` of `root`.
pub fn set<S>(fields: &[Field<S>], root: &mut S, key: &str, value: Value) -> Result<(), SetError> {
    let field = fields
        .iter()
        .find(|f| f.key == key)
        .ok_or_else(|| SetError::NoSuchField(key.to_owned()))?;
    let wrong = || SetError::WrongValue(key.to_owned());
    match (&field.kind, value) {
        (Kind::Text { lens, .. }, Value::Text(v)) => *(lens.put)(root) = v,
        (Kind::Lines(lens), Value::Lines(v)) => *(lens.put)(root) = v,
        (Kind::Count(lens), Value::Number(v)) => {
            let v = v.map(u32::try_from).transpose();
            *(lens.put)(root) = v.map_err(|_| SetError::OutOfRange(key.to_owned()))?;
        }
        (Kind::Money(lens), Value::Number(v)) => *(lens.put)(root) = v,
        (Kind::Flag(lens), Value::Flag(v)) => *(lens.put)(root) = v,
        (Kind::Tick(lens), Value::Tick(v)) => *(lens.put)(root) = v,
        (Kind::Date(lens), Value::Date(v)) => *(lens.put)(root) = v,
        (Kind::One { put, options, .. }, Value::Code(code)) => {
            if code
                .as_deref()
                .is_some_and(|c| !options().iter().any(|o| o.0 == c))
            {
                return Err(wrong());
            }
            put(root, code.as_deref());
        }
        (Kind::Many { put, options, .. }, Value::Pick(code, answer)) => {
            if !options().iter().any(|o| o.0 == code) {
                return Err(wrong());
            }
            put(root, &code, answer);
        }
        _ => return Err(wrong()),
    }
    Ok(())
}

/// A field as a page shows it: what the control holds now.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldView {
    pub key: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub control: Control,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    Text {
        value: String,
        long: bool,
    },
    /// Shown joined with 、; edited as one line.
    Lines(String),
    Number {
        value: Option<i64>,
        money: bool,
    },
    Flag(Option<bool>),
    Tick(bool),
    Date(Option<Day>),
    One {
        value: Option<&'static str>,
        options: Vec<Opt>,
    },
    Many(Vec<(Opt, Option<bool>)>),
}

impl<S> Field<S> {
    /// What the control for this field holds in `root`.
    pub fn view(&self, root: &S) -> FieldView {
        let control = match &self.kind {
            Kind::Text { lens, long } => Control::Text {
                value: (lens.get)(root).clone(),
                long: *long,
            },
            Kind::Lines(lens) => Control::Lines(join_lines((lens.get)(root))),
            Kind::Count(lens) => Control::Number {
                value: (lens.get)(root).map(i64::from),
                money: false,
            },
            Kind::Money(lens) => Control::Number {
                value: *(lens.get)(root),
                money: true,
            },
            Kind::Flag(lens) => Control::Flag(*(lens.get)(root)),
            Kind::Tick(lens) => Control::Tick(*(lens.get)(root)),
            Kind::Date(lens) => Control::Date(*(lens.get)(root)),
            Kind::One { get, options, .. } => Control::One {
                value: get(root),
                options: options(),
            },
            Kind::Many { get, options, .. } => {
                Control::Many(options().into_iter().map(|o| (o, get(root, o.0))).collect())
            }
        };
        FieldView {
            key: self.key,
            label: self.label,
            hint: self.hint,
            control,
        }
    }

    /// A vocabulary field's options; `None` for other kinds.
    pub fn options(&self) -> Option<Vec<Opt>> {
        match &self.kind {
            Kind::One { options, .. } | Kind::Many { options, .. } => Some(options()),
            _ => None,
        }
    }

    /// The label of one option, for showing a stored code.
    pub fn label_of_code(&self, code: &str) -> Option<&'static str> {
        self.options()?
            .into_iter()
            .find(|o| o.0 == code)
            .map(|o| o.1)
    }
}

/// The spec for `key` in a table.
pub fn find<'a, S>(fields: &'a [Field<S>], key: &str) -> Option<&'a Field<S>> {
    fields.iter().find(|f| f.key == key)
}
