//! The router and the top-level component, which owns the reducer and the
//! [`Services`] (store, writer, sync driver) and wires browser events to them.
//!
//! Routes:
//! - `/`: the township facility list ([`pages::home`]);
//! - `/facility/new`: a facility found on the spot ([`pages::new_facility`]);
//! - `/facility/:id`: profile, level, visits, interviews, photos ([`pages::facility`]);
//! - `/facility/:id/visit/:visit`: the stepped visit form ([`pages::visit`]);
//! - `/facility/:id/plan`: the 一院一策 plan ([`pages::plan`]);
//! - `/facility/:id/checks`: county staff's online checks ([`pages::checks`]);
//! - `/review`: the township lead's queue, conflicts and sign-off ([`pages::review`]);
//! - `/review/:facility/:visit`: one entry under review ([`pages::review::visit`]);
//! - `/township-log`: the township work log ([`pages::township_log`]);
//! - `/dashboard`: the county dashboard, leads and exports ([`pages::dashboard`]).
//!
//! `:id` and `:visit` are the lowercase hyphenated UUIDs of the facility and
//! the visit.

use std::rc::Rc;

use mopai_shared::ids::FacilityId;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::form::edit::{Edit, Target};
use crate::form::value::Value;
use crate::hooks::{use_online, use_persistence};
use crate::pages;
use crate::services::Services;
use crate::state::{Action, AppState};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/facility/new")]
    NewFacility,
    #[at("/facility/:id")]
    Facility { id: String },
    #[at("/facility/:id/visit/:visit")]
    Visit { id: String, visit: String },
    #[at("/facility/:id/plan")]
    FacilityPlan { id: String },
    #[at("/facility/:id/checks")]
    FacilityChecks { id: String },
    #[at("/review")]
    Review,
    #[at("/review/:facility/:visit")]
    ReviewVisit { facility: String, visit: String },
    #[at("/township-log")]
    TownshipLog,
    #[at("/dashboard")]
    Dashboard,
    #[not_found]
    #[at("/404")]
    NotFound,
}

impl Route {
    pub fn facility(id: FacilityId) -> Self {
        Route::Facility { id: id.to_string() }
    }
}

/// What every page gets from the app: the state and the services.
#[derive(Clone)]
pub struct AppContext {
    pub state: UseReducerHandle<AppState>,
    /// `None` until IndexedDB is open.
    pub services: Option<Rc<Services>>,
}

impl AppContext {
    /// Shows and saves an edit to a facility.
    pub fn edit(&self, facility: FacilityId, edit: Edit) {
        match &self.services {
            Some(s) => s.edit(facility, edit),
            None => self
                .state
                .dispatch(Action::Failed("本机存储尚未就绪，请稍候".into())),
        }
    }

    /// The `onchange` of one field: saves the value into `target`'s `key`.
    pub fn setter(
        &self,
        facility: FacilityId,
        target: Target,
        key: &'static str,
    ) -> Callback<Value> {
        let ctx = self.clone();
        Callback::from(move |value| ctx.edit(facility, Edit::Set { target, key, value }))
    }
}

impl PartialEq for AppContext {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
            && match (&self.services, &other.services) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(AppState::default);
    let services = use_state(|| None::<Rc<Services>>);
    {
        let services = services.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_local(async move {
                match Store::open().await {
                    Ok(store) => {
                        let store = Rc::new(store);
                        let opened = Services::new(store.clone(), dispatcher.clone());
                        match crate::session::load(&store).await {
                            Ok(session) => dispatcher.dispatch(Action::Started(session)),
                            Err(e) => {
                                dispatcher.dispatch(Action::Started(None));
                                dispatcher.dispatch(Action::Failed(e));
                            }
                        }
                        if let Some(at) = crate::sync::last_synced(&store).await {
                            dispatcher.dispatch(Action::LastSyncKnown(at));
                        }
                        opened.reload();
                        opened.count_uploads();
                        opened.estimate_storage();
                        services.set(Some(opened));
                    }
                    Err(e) => dispatcher.dispatch(Action::Failed(e.to_string())),
                }
            });
        });
    }
    // The services follow the session: a login starts a sync.
    {
        let session = state.session.clone();
        use_effect_with(((*services).clone(), session), |(services, session)| {
            if let Some(s) = services {
                s.set_session(session.clone());
            }
        });
    }
    // Coming online syncs at once; the badge shows 在线/无网络/服务器无法连接.
    // (At start the login effect above syncs; this one reacts to changes.)
    let online = use_online();
    {
        let dispatcher = state.dispatcher();
        let services = (*services).clone();
        use_effect_with(online, move |online| {
            dispatcher.dispatch(Action::OnlineChanged(*online));
            if let (Some(s), true) = (services, *online) {
                s.sync_now();
            }
        });
    }
    // index.html's login form (`#boot`): the login page takes it over; a
    // phone with a session drops it. The hint lets the next start show only
    // its status line instead of a login form that is about to go.
    {
        let signed_in = state.ready.then_some(state.session.is_some());
        use_effect_with(signed_in, |signed_in| {
            if let Some(signed_in) = *signed_in {
                boot_hint(signed_in);
            }
        });
    }
    let persistence = use_persistence();
    {
        let dispatcher = state.dispatcher();
        use_effect_with(persistence, move |p| {
            dispatcher.dispatch(Action::PersistenceKnown(*p))
        });
    }
    let context = AppContext {
        state,
        services: (*services).clone(),
    };
    html! {
        <ContextProvider<AppContext> context={context}>
            <BrowserRouter>
                <Switch<Route> render={switch} />
            </BrowserRouter>
        </ContextProvider<AppContext>>
    }
}

/// Pages behind the login: the phone shows the login form until a session
/// exists, and keeps showing the app offline once it does.
#[function_component]
fn Gate(props: &GateProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    if !ctx.state.ready {
        return html! { <main class="page"><p>{ "正在打开本机数据…" }</p></main> };
    }
    if ctx.state.session.is_none() {
        return html! { <pages::login::Login /> };
    }
    props.children.clone()
}

#[derive(Properties, PartialEq)]
struct GateProps {
    children: Html,
}

fn switch(route: Route) -> Html {
    let page = match route {
        Route::Home => html! { <pages::home::Home /> },
        Route::NewFacility => html! { <pages::new_facility::NewFacility /> },
        Route::Facility { id } => html! { <pages::facility::FacilityPage {id} /> },
        Route::Visit { id, visit } => html! { <pages::visit::VisitPage {id} {visit} /> },
        Route::FacilityPlan { id } => html! { <pages::plan::PlanPage {id} /> },
        Route::FacilityChecks { id } => html! { <pages::checks::ChecksPage {id} /> },
        Route::Review => html! { <pages::review::ReviewQueue /> },
        Route::ReviewVisit { facility, visit } => {
            html! { <pages::review::visit::ReviewVisit {facility} {visit} /> }
        }
        Route::TownshipLog => html! { <pages::township_log::TownshipLogPage /> },
        Route::Dashboard => html! { <pages::dashboard::DashboardPage /> },
        Route::NotFound => return not_found(),
    };
    html! { <Gate>{ page }</Gate> }
}

/// Remembers whether this phone is signed in, for index.html's first paint,
/// and removes index.html's login form once a session is there.
fn boot_hint(signed_in: bool) {
    let window = gloo::utils::window();
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = if signed_in {
            storage.set_item("mopai-signed-in", "1")
        } else {
            storage.remove_item("mopai-signed-in")
        };
    }
    if signed_in && let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
        boot.remove();
    }
}

pub fn not_found() -> Html {
    html! {
        <main class="page" id="not-found">
            <p>{ "页面不存在，或这家机构不在本机。" }</p>
            <Link<Route> to={Route::Home}>{ "返回机构列表" }</Link<Route>>
        </main>
    }
}
