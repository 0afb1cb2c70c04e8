//! The router and the top-level component, which owns the reducer and the store.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages::home::Home;
use crate::pages::login::Login;
use crate::state::{Action, AppState, DocSummary};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// What every page gets from the app: the state, its dispatcher and the store.
#[derive(Clone)]
pub struct AppContext {
    pub state: UseReducerHandle<AppState>,
    pub store: Option<Rc<Store>>,
}

impl PartialEq for AppContext {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
            && match (&self.store, &other.store) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(AppState::default);
    let store = use_state(|| None::<Rc<Store>>);
    {
        let store = store.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_local(async move {
                match Store::open().await {
                    Ok(opened) => {
                        let opened = Rc::new(opened);
                        match crate::session::load(&opened).await {
                            Ok(session) => dispatcher.dispatch(Action::Started(session)),
                            Err(e) => {
                                dispatcher.dispatch(Action::Started(None));
                                dispatcher.dispatch(Action::Failed(e));
                            }
                        }
                        match load_summaries(&opened).await {
                            Ok(docs) => dispatcher.dispatch(Action::DocsLoaded(docs)),
                            Err(e) => dispatcher.dispatch(Action::Failed(e)),
                        }
                        store.set(Some(opened));
                    }
                    Err(e) => dispatcher.dispatch(Action::Failed(e.to_string())),
                }
            });
        });
    }
    let context = AppContext {
        state,
        store: (*store).clone(),
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
        return html! { <Login /> };
    }
    props.children.clone()
}

#[derive(Properties, PartialEq)]
struct GateProps {
    children: Html,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Gate><Home /></Gate> },
        Route::NotFound => html! {
            <main class="page"><p>{ "页面不存在。" }</p><Link<Route> to={Route::Home}>{ "返回首页" }</Link<Route>></main>
        },
    }
}

/// Summaries of every stored document, for the list.
pub async fn load_summaries(store: &Store) -> Result<Vec<DocSummary>, String> {
    let stored = store.all_docs().await.map_err(|e| e.to_string())?;
    let mut docs = Vec::with_capacity(stored.len());
    for s in stored {
        let mut replica =
            mopai_shared::sync::Replica::restore(&s.doc, s.sync_state.as_deref().unwrap_or(&[]))
                .map_err(|e| format!("本机文档 {} 无法读取：{e}", s.id))?;
        if let Some(name) = crate::facility::facility_name(&s.id, &replica.doc) {
            docs.push(DocSummary {
                name,
                unsynced: replica.has_unsent_changes(),
                id: s.id,
            });
        }
    }
    Ok(docs)
}
