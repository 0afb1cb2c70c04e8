//! `GET /api/problems` once per token while online: stored documents that
//! no longer pass the server's write gate, for county staff and the admin.

use std::rc::Rc;

use mopai_shared::api::ProblemDoc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::get_json;

/// `None` while not loaded (or not allowed); the list once it is.
#[hook]
pub fn use_problems(token: Option<String>, online: bool) -> Option<Rc<Vec<ProblemDoc>>> {
    let problems = use_state(|| None::<Rc<Vec<ProblemDoc>>>);
    {
        let problems = problems.clone();
        use_effect_with((token, online), move |(token, online)| {
            if let (Some(token), true) = (token.clone(), *online) {
                spawn_local(async move {
                    if let Ok(list) = get_json::<Vec<ProblemDoc>>("/api/problems", &token).await {
                        problems.set(Some(Rc::new(list)));
                    }
                });
            }
        });
    }
    (*problems).clone()
}
