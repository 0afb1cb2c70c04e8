//! A writer for autosurgeon that keeps conflicts visible.
//!
//! `autosurgeon::reconcile` writes every scalar it visits. When a field holds
//! two concurrent values, hydration picks one (the winner) and reconciling
//! writes the winner back; Automerge then treats that as a resolution and
//! deletes the other value. So any phone that merely saved a form after a
//! merge would silently pick for the lead. [`KeepConflicts`] skips exactly
//! those writes (the value already wins a live conflict) and passes every
//! other operation through, so only a real edit, or
//! [`resolve_conflict`](super::resolve_conflict), ends a conflict.

use std::ops::RangeBounds;

use automerge::{self as am, AutoCommit, AutomergeError, ObjId, Prop, ScalarValue, Value};
use autosurgeon::{Doc, ReadDoc};

pub struct KeepConflicts<'a>(pub &'a mut AutoCommit);

impl KeepConflicts<'_> {
    /// True when `obj[prop]` has concurrent values and `value` is the winner.
    fn would_resolve(&self, obj: &ObjId, prop: &Prop, value: &ScalarValue) -> bool {
        let doc: &AutoCommit = self.0;
        let all = am::ReadDoc::get_all(doc, obj, prop.clone()).unwrap_or_default();
        all.len() > 1
            && matches!(
                am::ReadDoc::get(doc, obj, prop.clone()),
                Ok(Some((Value::Scalar(winner), _))) if winner.as_ref() == value
            )
    }
}

impl ReadDoc for KeepConflicts<'_> {
    type Parents<'b>
        = am::Parents<'b>
    where
        Self: 'b;

    fn get_heads(&self) -> Vec<am::ChangeHash> {
        ReadDoc::get_heads(&*self.0)
    }

    fn get<P: Into<Prop>>(
        &self,
        obj: &ObjId,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        ReadDoc::get(&*self.0, obj, prop)
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<am::ObjType> {
        ReadDoc::object_type(&*self.0, obj)
    }

    fn map_range<'b, O, R>(&'b self, obj: O, range: R) -> am::iter::MapRange<'b>
    where
        R: RangeBounds<String> + 'b,
        O: AsRef<ObjId>,
    {
        ReadDoc::map_range(&*self.0, obj, range)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
    ) -> am::iter::ListRange<'_> {
        ReadDoc::list_range(&*self.0, obj, range)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        ReadDoc::length(&*self.0, obj)
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        ReadDoc::text(&*self.0, obj)
    }

    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Self::Parents<'_>, AutomergeError> {
        ReadDoc::parents(&*self.0, obj)
    }

    fn is_empty(&self) -> bool {
        ReadDoc::is_empty(&*self.0)
    }
}

impl Doc for KeepConflicts<'_> {
    fn put<O: AsRef<ObjId>, P: Into<Prop>, V: Into<ScalarValue>>(
        &mut self,
        obj: O,
        prop: P,
        value: V,
    ) -> Result<(), AutomergeError> {
        let (prop, value) = (prop.into(), value.into());
        if self.would_resolve(obj.as_ref(), &prop, &value) {
            return Ok(());
        }
        Doc::put(self.0, obj, prop, value)
    }

    fn put_object<O: AsRef<ObjId>, P: Into<Prop>>(
        &mut self,
        obj: O,
        prop: P,
        value: am::ObjType,
    ) -> Result<ObjId, AutomergeError> {
        Doc::put_object(self.0, obj, prop, value)
    }

    fn insert<O: AsRef<ObjId>, V: Into<ScalarValue>>(
        &mut self,
        obj: O,
        index: usize,
        value: V,
    ) -> Result<(), AutomergeError> {
        Doc::insert(self.0, obj, index, value)
    }

    fn insert_object<O: AsRef<ObjId>>(
        &mut self,
        obj: O,
        index: usize,
        value: am::ObjType,
    ) -> Result<ObjId, AutomergeError> {
        Doc::insert_object(self.0, obj, index, value)
    }

    fn increment<O: AsRef<ObjId>, P: Into<Prop>>(
        &mut self,
        obj: O,
        prop: P,
        value: i64,
    ) -> Result<(), AutomergeError> {
        Doc::increment(self.0, obj, prop, value)
    }

    fn delete<O: AsRef<ObjId>, P: Into<Prop>>(
        &mut self,
        obj: O,
        prop: P,
    ) -> Result<(), AutomergeError> {
        Doc::delete(self.0, obj, prop)
    }

    fn splice_text<O: AsRef<ObjId>>(
        &mut self,
        obj: O,
        pos: usize,
        del: isize,
        text: &str,
    ) -> Result<(), AutomergeError> {
        Doc::splice_text(self.0, obj, pos, del, text)
    }

    fn update_text<O: AsRef<ObjId>>(&mut self, obj: O, text: &str) -> Result<(), AutomergeError> {
        Doc::update_text(self.0, obj, text)
    }

    fn batch_create<O: AsRef<ObjId>, P: Into<Prop>>(
        &mut self,
        obj: O,
        prop: P,
        value: am::hydrate::Value,
        insert: bool,
    ) -> Result<(), AutomergeError> {
        let prop = prop.into();
        if let (false, am::hydrate::Value::Scalar(s)) = (insert, &value)
            && self.would_resolve(obj.as_ref(), &prop, s)
        {
            return Ok(());
        }
        Doc::batch_create(self.0, obj, prop, value, insert)
    }

    fn init_root_from_hydrate(&mut self, value: &am::hydrate::Map) -> Result<(), AutomergeError> {
        Doc::init_root_from_hydrate(self.0, value)
    }
}
