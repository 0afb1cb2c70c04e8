//! `/facility/:id/checks`: county staff's online checks (互联网大数据核查) of
//! one facility: the level the phone computes now (it moves as soon as a
//! check is saved, since the rules read the checks), the checks so far, and
//! for county staff the form to add one. Others read.
//!
//! Element ids: `#checks-page`, `#checks-title`, `#checks-level` (badge,
//! `data-level`), `#checks-rules` (主要问题), `#checks-readonly`, `#checks-error`,
//! `#checks-open-facility`; the list is `#online-checks` (see
//! `pages::facility::evidence`); the form is [`form`].

use std::rc::Rc;

use mopai_shared::roles::Role;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::level::LevelBadge;
use crate::components::sync_bar::SyncBar;
use crate::components::top_bar::TopBar;
use crate::docs::FacilityEntry;
use crate::hooks::{use_app, use_facility_route};
use crate::pages::facility::evidence::OnlineChecks;

pub mod form;

#[derive(Properties, PartialEq)]
pub struct ChecksPageProps {
    pub id: String,
}

#[function_component]
pub fn ChecksPage(props: &ChecksPageProps) -> Html {
    match use_facility_route(&props.id).or_page() {
        Ok(entry) => html! { <Checks {entry} /> },
        Err(page) => page,
    }
}

#[derive(Properties, PartialEq)]
struct ChecksProps {
    entry: Rc<FacilityEntry>,
}

#[function_component]
fn Checks(props: &ChecksProps) -> Html {
    let ctx = use_app();
    let entry = &props.entry;
    let state = &ctx.state;
    let (assessment, view) = state.assessment(entry.id).expect("the entry is loaded");
    let staff = state
        .session
        .as_ref()
        .is_some_and(|s| s.user.role == Role::CountyStaff);
    let problems = assessment.main_problems_zh();
    html! {
        <main class="page" id="checks-page">
            <TopBar title={format!("网上核查：{}", entry.body.profile.name)} back={Route::facility(entry.id)}
                title_id="checks-title" />
            <p class="facility-sub">
                <span>{ "当前等级（手机初判）" }</span>
                <LevelBadge level={Some(view.effective())} id="checks-level" />
                <Link<Route> to={Route::facility(entry.id)}><span id="checks-open-facility">{ "机构页面" }</span></Link<Route>>
            </p>
            <p class="hint" id="checks-rules">
                { if problems.is_empty() { "未触发风险规则".to_owned() } else { format!("主要问题：{problems}") } }
            </p>
            <SyncBar />
            if let Some(error) = &state.error {
                <p class="error" role="alert" id="checks-error">{ error }</p>
            }
            if staff {
                <form::CheckForm facility={entry.id} township={entry.township} />
            } else {
                <p class="hint" id="checks-readonly">{ "网上核查由县民政局养老服务股录入，此处只读。" }</p>
            }
            <OnlineChecks facility={entry.id} county={state.county(entry.id).cloned()} />
        </main>
    }
}
