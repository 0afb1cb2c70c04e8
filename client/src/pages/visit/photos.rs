//! Step 4, 照片: the camera (or the gallery), each photo shrunk to a JPEG of
//! at most 1600 px in the browser, kept on the phone at once and uploaded
//! after the next sync. Each photo takes a caption.
//!
//! Element ids: `#photo-input` (`<input type=file accept="image/*"
//! capture="environment">`), `#photo-busy` (while a photo is processed),
//! `#photo-error`; per photo n (1-based) `.photo-card#photo-<n>` (`data-sha256`)
//! with `img.photo-img`, `#p<n>-caption`, `.upload-state`, `#p<n>-remove`.

use mopai_shared::model::PhotoRef;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::StepProps;
use crate::components::field::field_html;
use crate::components::photo_thumb::PhotoThumb;
use crate::form::edit::{Edit, Target};
use crate::form::visit::PHOTO_FIELDS;
use crate::hooks::use_app;
use crate::pages::facility::evidence::upload_state;

#[function_component]
pub fn Photos(p: &StepProps) -> Html {
    let ctx = use_app();
    let busy = use_state(|| 0usize);
    let error = use_state(|| None::<String>);
    let (facility, visit) = (p.entry.id, p.visit.id);
    let on_pick = {
        let (services, busy, error) = (ctx.services.clone(), busy.clone(), error.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let (Some(services), Some(files)) = (services.clone(), input.files()) else {
                return;
            };
            let picked: Vec<_> = (0..files.length()).filter_map(|i| files.get(i)).collect();
            // Cleared so the same photo can be picked again after a failure.
            input.set_value("");
            busy.set(*busy + picked.len());
            error.set(None);
            let left = std::rc::Rc::new(std::cell::Cell::new(picked.len()));
            for file in picked {
                let (busy, error, left) = (busy.clone(), error.clone(), left.clone());
                let done = Callback::from(move |result: Result<(), String>| {
                    left.set(left.get() - 1);
                    busy.set(left.get());
                    if let Err(why) = result {
                        error.set(Some(why));
                    }
                });
                services.add_photo(facility, visit, file, done);
            }
        })
    };
    let pending = &ctx.state.uploads_pending;
    let card = |(n, photo): (usize, &PhotoRef)| {
        let n = n + 1;
        let item = photo.id;
        let caption = {
            let onchange = ctx.setter(facility, Target::Photo(visit, item), "caption");
            field_html(
                &PHOTO_FIELDS[0],
                photo,
                &format!("p{n}"),
                None,
                p.locked,
                onchange,
            )
        };
        let on_remove = {
            let ctx = ctx.clone();
            Callback::from(move |_| {
                if gloo::dialogs::confirm(&format!("删除第 {n} 张照片？")) {
                    ctx.edit(facility, Edit::RemovePhoto(visit, item));
                }
            })
        };
        html! {
            <div class="card photo-card" id={format!("photo-{n}")} key={item.to_string()} data-sha256={photo.sha256.clone()}>
                <PhotoThumb sha256={photo.sha256.clone()} alt={photo.caption.clone()} />
                <p class="hint upload-state">
                    { format!("{} KB ·{}", photo.size_bytes / 1024, upload_state(pending.contains(&photo.sha256))) }
                </p>
                { caption }
                if !p.locked {
                    <button type="button" class="link danger" id={format!("p{n}-remove")} onclick={on_remove}>
                        { "删除这张照片" }
                    </button>
                }
            </div>
        }
    };
    html! {
        <>
            if !p.locked {
                <label class="photo-pick" for="photo-input">
                    <span>{ "拍照或选择照片" }</span>
                    <input type="file" id="photo-input" accept="image/*" capture="environment"
                        multiple=true onchange={on_pick} />
                </label>
                <p class="hint">{ "照片先保存在本机，同步后自动上传。请拍摄收费单据、宣传材料、合同等。" }</p>
            }
            if *busy > 0 {
                <p class="hint" id="photo-busy" role="status">{ format!("正在处理 {} 张照片…", *busy) }</p>
            }
            if let Some(why) = &*error {
                <p class="error" id="photo-error" role="alert">{ why }</p>
            }
            { for p.visit.photos.iter().enumerate().map(card) }
        </>
    }
}
