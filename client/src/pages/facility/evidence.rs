//! What the visits gathered, across all visits: resident interviews and
//! photos, plus the county's online checks once synced. Read-only here;
//! interviews and photos are edited in their visit.
//!
//! Element ids: `#interviews` > `li.interview-row`; `#photos` >
//! `figure.photo` (`img.photo-img`, `figcaption`, `.upload-state`);
//! `#online-checks` > `li.online-check`, `#open-checks` (link to the checks page).

use std::rc::Rc;

use mopai_shared::ids::FacilityId;
use mopai_shared::model::{CountyRecord, ResidentInterview};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;

use crate::components::photo_thumb::PhotoThumb;
use crate::docs::FacilityEntry;
use crate::form::value::wan_yuan;

#[derive(Properties, PartialEq)]
pub struct EntryProps {
    pub entry: Rc<FacilityEntry>,
}

#[function_component]
pub fn Interviews(props: &EntryProps) -> Html {
    let interviews: Vec<&ResidentInterview> = props
        .entry
        .body
        .visits
        .iter()
        .flat_map(|v| &v.interviews)
        .collect();
    html! {
        <section class="card" id="interviews">
            <h2>{ format!("询问老人（{}）", interviews.len()) }</h2>
            <ul>{ for interviews.into_iter().map(interview) }</ul>
        </section>
    }
}

/// One line per interview: who, and what they said about money.
pub fn interview(i: &ResidentInterview) -> Html {
    let who = i.respondent.map_or("", |r| r.label_zh());
    let yes_no = |v: Option<bool>, yes: &str, no: &str| match v {
        Some(true) => yes.to_owned(),
        Some(false) => no.to_owned(),
        None => String::new(),
    };
    let money = i.prepaid_yuan.map(wan_yuan).unwrap_or_default();
    let months = i
        .prepaid_months
        .map(|m| format!("{m} 个月"))
        .unwrap_or_default();
    let facts = [
        yes_no(i.prepaid, "预交费用", "未预交"),
        money,
        months,
        yes_no(i.told_risks, "已告知风险", "未告知风险"),
        yes_no(i.promised_returns, "被承诺回报", ""),
    ];
    let facts: Vec<String> = facts.into_iter().filter(|f| !f.is_empty()).collect();
    html! {
        <li class="interview-row" key={i.id.to_string()}>
            <strong>{ if i.label.is_empty() { "（未填称呼）" } else { &i.label } }</strong>
            <span class="hint">{ format!(" {who} {}", facts.join("，")) }</span>
            if !i.notes.is_empty() { <p class="notes">{ &i.notes }</p> }
        </li>
    }
}

#[function_component]
pub fn Photos(props: &EntryProps) -> Html {
    let ctx = crate::hooks::use_app();
    let pending = &ctx.state.uploads_pending;
    let photos: Vec<_> = props
        .entry
        .body
        .visits
        .iter()
        .flat_map(|v| &v.photos)
        .collect();
    html! {
        <section class="card" id="photos">
            <h2>{ format!("照片（{}）", photos.len()) }</h2>
            <div class="photo-grid">
                { for photos.into_iter().map(|p| html! {
                    <figure class="photo" key={p.id.to_string()}>
                        <PhotoThumb sha256={p.sha256.clone()} alt={p.caption.clone()} />
                        <figcaption>
                            { &p.caption }
                            <span class="upload-state hint">{ upload_state(pending.contains(&p.sha256)) }</span>
                        </figcaption>
                    </figure>
                }) }
            </div>
        </section>
    }
}

/// Whether the server has the photo yet (as far as this phone knows).
pub fn upload_state(pending: bool) -> &'static str {
    if pending { " 待上传" } else { " 已上传" }
}

#[derive(Properties, PartialEq)]
pub struct ChecksProps {
    pub facility: FacilityId,
    pub county: Option<CountyRecord>,
}

/// 互联网大数据 checks recorded by county staff (信用中国, 裁判文书网, …),
/// with the way to the checks page, where county staff add them.
#[function_component]
pub fn OnlineChecks(props: &ChecksProps) -> Html {
    let link = html! {
        <Link<Route> to={Route::FacilityChecks { id: props.facility.to_string() }}>
            <span id="open-checks">{ "网上核查页面" }</span>
        </Link<Route>>
    };
    let Some(county) = props
        .county
        .as_ref()
        .filter(|c| !c.online_checks.is_empty())
    else {
        return html! {
            <section class="card" id="online-checks">
                <h2>{ "网上核查" }</h2>
                <p class="hint">{ "县民政局尚未录入网上核查结果（或尚未同步到本机）。" }</p>
                { link }
            </section>
        };
    };
    html! {
        <section class="card" id="online-checks">
            <h2>{ "网上核查" }</h2>
            { link }
            <ul>
                { for county.online_checks.iter().map(|c| html! {
                    <li class="online-check" key={c.id.to_string()}>
                        <strong>{ c.source.label_zh() }</strong>
                        { format!("：{} — {}（{}）", c.subject,
                            c.finding.map_or("核查中", |f| f.label_zh()), c.checked_on) }
                        if !c.detail.is_empty() { <p class="hint">{ &c.detail }</p> }
                    </li>
                }) }
            </ul>
        </section>
    }
}
