//! A photo by its SHA-256: read from the phone's blob store (or fetched
//! from the server when another phone took it), shown through an object URL
//! that is revoked when the thumbnail goes away.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;

use web_sys::Url;
use yew::prelude::*;

use crate::hooks::use_app;

#[derive(Properties, PartialEq)]
pub struct PhotoThumbProps {
    pub sha256: AttrValue,
    #[prop_or_default]
    pub alt: AttrValue,
}

#[function_component]
pub fn PhotoThumb(props: &PhotoThumbProps) -> Html {
    let ctx = use_app();
    let shown = use_state(|| None::<Result<String, String>>);
    {
        let shown = shown.clone();
        let services = ctx.services.clone();
        use_effect_with(props.sha256.clone(), move |sha| {
            // The URL, once made; `None` inside once the thumbnail is gone,
            // so a URL made after that is revoked at once.
            let url = Rc::new(RefCell::new(Some(None::<String>)));
            if let Some(services) = services {
                let (url, sha) = (url.clone(), sha.to_string());
                spawn_local(async move {
                    let made = services.photo_blob(&sha).await.and_then(|blob| {
                        Url::create_object_url_with_blob(&blob).map_err(crate::browser::js_error)
                    });
                    match (&mut *url.borrow_mut(), &made) {
                        (Some(slot), Ok(u)) => *slot = Some(u.clone()),
                        (None, Ok(u)) => {
                            let _ = Url::revoke_object_url(u);
                            return;
                        }
                        _ => {}
                    }
                    shown.set(Some(made));
                });
            }
            move || {
                if let Some(Some(u)) = url.borrow_mut().take() {
                    let _ = Url::revoke_object_url(&u);
                }
            }
        });
    }
    match &*shown {
        Some(Ok(src)) => {
            html! { <img class="photo-img" src={src.clone()} alt={props.alt.clone()} loading="lazy" /> }
        }
        Some(Err(why)) => html! { <div class="photo-img missing">{ why }</div> },
        None => html! { <div class="photo-img loading">{ "…" }</div> },
    }
}
