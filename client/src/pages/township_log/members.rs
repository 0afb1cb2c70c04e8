//! The township's leadership group (领导小组): one card per member with name,
//! position, role in the group and phone, added and removed by id.
//!
//! Element ids: see the page module ([`super`]).

use mopai_shared::ids::MemberId;
use mopai_shared::model::GroupMember;
use yew::prelude::*;

use super::{LogProps, log_edit, log_setter};
use crate::components::field::field_html;
use crate::hooks::use_app;
use crate::review::log::{LogEdit, LogTarget, MEMBER_FIELDS};

#[function_component]
pub fn Members(p: &LogProps) -> Html {
    let ctx = use_app();
    let township = p.township;
    let on_add = {
        let ctx = ctx.clone();
        Callback::from(move |_| log_edit(&ctx, township, LogEdit::AddMember(MemberId::random())))
    };
    let card = |(n, member): (usize, &GroupMember)| {
        let n = n + 1;
        let id = member.id;
        let fields = MEMBER_FIELDS.iter().map(|field| {
            let onchange = log_setter(&ctx, township, LogTarget::Member(id), field.key);
            field_html(field, member, &format!("m{n}"), None, false, onchange)
        });
        let on_remove = {
            let ctx = ctx.clone();
            Callback::from(move |_| {
                if gloo::dialogs::confirm(&format!("从领导小组中删除第 {n} 位成员？"))
                {
                    log_edit(&ctx, township, LogEdit::RemoveMember(id));
                }
            })
        };
        html! {
            <div class="member-card" id={format!("member-{n}")} key={id.to_string()} data-id={id.to_string()}>
                <h3>{ format!("成员 {n}") }</h3>
                { for fields }
                <button type="button" class="link danger" id={format!("m{n}-remove")} onclick={on_remove}>
                    { "删除这位成员" }
                </button>
            </div>
        }
    };
    html! {
        <section class="card" id="members">
            <h2>{ format!("领导小组（{} 人）", p.log.leadership_group.len()) }</h2>
            { for p.log.leadership_group.iter().enumerate().map(card) }
            <button type="button" id="add-member" onclick={on_add}>{ "＋ 添加成员" }</button>
        </section>
    }
}
