//! The facility draft the walking skeleton creates offline: a document of kind
//! `facility` with a name. The full facility schema lives in `mopai_shared`.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT, ReadDoc, ScalarValue, Value};
use uuid::Uuid;

pub const KIND: &str = "facility";

/// Creates a new facility document and returns its id (`facility:<uuid>`).
pub fn new_facility(name: &str) -> Result<(String, AutoCommit), automerge::AutomergeError> {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "kind", KIND)?;
    doc.put(ROOT, "name", name)?;
    Ok((format!("{KIND}:{}", Uuid::new_v4()), doc))
}

/// The facility's name, or an empty string for documents not yet filled in.
pub fn facility_name(doc: &AutoCommit) -> String {
    match doc.get(ROOT, "name") {
        Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
            ScalarValue::Str(s) => s.to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_facility_keeps_its_name_across_save_and_load() {
        let (id, mut doc) = new_facility("夕阳红养老院").unwrap();
        assert!(id.starts_with("facility:"));
        let loaded = AutoCommit::load(&doc.save()).unwrap();
        assert_eq!(facility_name(&loaded), "夕阳红养老院");
    }
}
