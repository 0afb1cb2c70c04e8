//! Field paths to the labels the form shows, from the field tables, so a
//! conflict or a validation message names a field the way its control does.
//!
//! Paths are spelled as `mopai_shared::validate` and conflicts spell them:
//! below a facility body (`profile.address`, `visits[<id>].findings.solvency`)
//! or below a visit (`findings.solvency`, `interviews[<id>].label`).

use mopai_shared::doc::{FieldPath, PathSeg};

use super::field::{Field, Opt, find};
use super::profile::FACILITY_FIELDS;
use super::visit::{INTERVIEW_FIELDS, PHOTO_FIELDS, VISIT_FIELDS};

/// A coded field's options, to turn a stored code back into its label.
pub type CodeLabel = Option<Vec<Opt>>;

/// A field by its conflict path (`body.visits[<id>].phase`): its label
/// (`走访记录·`, `询问记录·`, `照片·` say whose field it is) and a coded
/// field's options. An unknown field is named by its keys.
pub fn describe(segs: &[PathSeg]) -> (String, CodeLabel) {
    let body = segs.get(1..).unwrap_or_default();
    let (prefix, label) = match item(body, "visits") {
        Some(v) => match below_visit(after(body, v)) {
            ("", label) => ("走访记录·", label),
            found => found,
        },
        None => ("", lookup(FACILITY_FIELDS, &keys(body))),
    };
    match label {
        Some((name, coded)) => (format!("{prefix}{name}"), coded),
        None => (format!("{prefix}{}", keys(body)), None),
    }
}

/// The label of a field below a facility body, if the tables know it.
pub fn facility_label(path: &str) -> Option<String> {
    let body = path.parse::<FieldPath>().ok()?.0;
    match item(&body, "visits") {
        Some(_) => None,
        None => lookup(FACILITY_FIELDS, &keys(&body)).map(|(name, _)| name),
    }
}

/// The label of a field below a visit, if the tables know it.
pub fn visit_label(path: &str) -> Option<String> {
    let segs = path.parse::<FieldPath>().ok()?.0;
    let (prefix, label) = below_visit(&segs);
    label.map(|(name, _)| format!("{prefix}{name}"))
}

fn below_visit(segs: &[PathSeg]) -> (&'static str, Option<(String, CodeLabel)>) {
    match (item(segs, "interviews"), item(segs, "photos")) {
        (Some(i), _) => ("询问记录·", lookup(INTERVIEW_FIELDS, &keys(after(segs, i)))),
        (_, Some(p)) => ("照片·", lookup(PHOTO_FIELDS, &keys(after(segs, p)))),
        _ => ("", lookup(VISIT_FIELDS, &keys(segs))),
    }
}

/// What follows a list and its item (`visits`, `[<id>]`): a path from
/// another phone may end at the list itself.
fn after(segs: &[PathSeg], list: usize) -> &[PathSeg] {
    segs.get(list + 2..).unwrap_or_default()
}

fn keys(segs: &[PathSeg]) -> String {
    segs.iter()
        .filter_map(|s| match s {
            PathSeg::Key(k) => Some(k.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn item(segs: &[PathSeg], name: &str) -> Option<usize> {
    segs.iter()
        .position(|s| matches!(s, PathSeg::Key(k) if k == name))
}

/// The label of `key` in `fields`; a multi-select option is `key.option`.
fn lookup<S>(fields: &[Field<S>], key: &str) -> Option<(String, CodeLabel)> {
    if let Some(field) = find(fields, key) {
        return Some((field.label.to_owned(), field.options()));
    }
    let (parent, option) = key.rsplit_once('.')?;
    let field = find(fields, parent)?;
    let option = field.label_of_code(option).unwrap_or(option);
    Some((format!("{}·{option}", field.label), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_paths_get_the_form_labels() {
        assert_eq!(facility_label("profile.address").as_deref(), Some("地址"));
        assert_eq!(facility_label("visits[x].phase"), None);
        assert_eq!(
            visit_label("findings.prepayment.total_yuan").as_deref(),
            Some("预付费总额（元）")
        );
        assert_eq!(
            visit_label("interviews[abc].label").as_deref(),
            Some("询问记录·称呼")
        );
        assert_eq!(visit_label("no.such.field"), None);
    }

    #[test]
    fn conflict_paths_say_whose_field_it_is() {
        let body = |p: &str| format!("body.{p}").parse::<FieldPath>().unwrap().0;
        assert_eq!(describe(&body("visits[v].phase")).0, "走访记录·排查阶段");
        assert_eq!(
            describe(&body("visits[v].interviews[i].label")).0,
            "询问记录·称呼"
        );
        assert_eq!(describe(&body("profile.nonsense")).0, "profile.nonsense");
        // A path that ends at a list (a whole list in conflict) names the list.
        assert_eq!(describe(&body("visits")).0, "走访记录·visits");
        assert_eq!(
            describe(&body("visits[v].interviews")).0,
            "询问记录·visits.interviews"
        );
    }
}
