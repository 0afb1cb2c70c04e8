//! Form logic, free of the browser so it is tested natively: field tables,
//! parsing what was typed, edits to a facility document, and the steps of
//! the visit form.
//!
//! - [`value`]: [`Value`](value::Value), what a control hands back, and parsing.
//! - [`field`]: field specs ([`Field`](field::Field)), the `field!` macro, [`set`](field::set)
//!   and [`FieldView`](field::FieldView).
//! - [`profile`]: the facility's fields and the facility page's sections.
//! - [`visit`]: visit, interview and photo fields and the visit steps' sections.
//! - [`edit`]: [`Edit`](edit::Edit) and [`apply`](edit::apply).
//! - [`labels`]: field paths (validation, conflicts) to the form's labels.
//! - [`steps`]: the five steps, issues per step, and what blocks submitting.

pub mod edit;
pub mod field;
pub mod labels;
pub mod profile;
pub mod steps;
pub mod value;
pub mod visit;

/// The element id of a field's control: `prefix` names the record
/// (`f` facility, `v` visit, `i2` second interview, `p1` first photo), the
/// key's dots become dashes: `v-findings-prepayment-total_yuan`.
pub fn element_id(prefix: &str, key: &str) -> String {
    format!("{prefix}-{}", key.replace('.', "-"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn element_ids_are_css_friendly() {
        assert_eq!(
            super::element_id("v", "findings.prepayment.total_yuan"),
            "v-findings-prepayment-total_yuan"
        );
    }
}
