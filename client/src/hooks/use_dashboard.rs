//! `GET /api/dashboard`, fetched while online, again when the township or
//! `refresh` changes (the page passes the newest lead, so a new red result
//! refreshes the counts), and on `reload`.

use std::cell::Cell;
use std::rc::Rc;

use mopai_shared::dashboard::Dashboard;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::get_json;

#[derive(Debug, Clone, PartialEq)]
pub enum DashboardData {
    Loading,
    Loaded(Rc<Dashboard>),
    Failed(String),
}

#[derive(Clone, PartialEq)]
pub struct UseDashboard {
    pub data: DashboardData,
    /// The last loaded data, kept on screen while reloading.
    pub last: Option<Rc<Dashboard>>,
    pub reload: Callback<()>,
}

#[hook]
pub fn use_dashboard(
    token: Option<String>,
    township: Option<String>,
    online: bool,
    refresh: u64,
) -> UseDashboard {
    let data = use_state(|| DashboardData::Loading);
    let last = use_state(|| None::<Rc<Dashboard>>);
    let generation = use_state(|| 0u32);
    {
        let (data, last) = (data.clone(), last.clone());
        use_effect_with(
            (token, township, online, refresh, *generation),
            move |(token, township, online, _, _)| {
                let alive = Rc::new(Cell::new(true));
                if let (Some(token), true) = (token.clone(), *online) {
                    data.set(DashboardData::Loading);
                    let path = match township {
                        Some(t) => format!("/api/dashboard?township={t}"),
                        None => "/api/dashboard".to_owned(),
                    };
                    let alive = alive.clone();
                    spawn_local(async move {
                        let result = get_json::<Dashboard>(&path, &token).await;
                        if !alive.get() {
                            return;
                        }
                        match result {
                            Ok(d) => {
                                let d = Rc::new(d);
                                last.set(Some(d.clone()));
                                data.set(DashboardData::Loaded(d));
                            }
                            Err(e) => data.set(DashboardData::Failed(e.message)),
                        }
                    });
                }
                move || alive.set(false)
            },
        );
    }
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(generation.wrapping_add(1)))
    };
    UseDashboard {
        data: (*data).clone(),
        last: (*last).clone(),
        reload,
    }
}
