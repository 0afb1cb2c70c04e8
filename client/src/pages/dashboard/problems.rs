//! The problem documents on the county dashboard: stored documents that no
//! longer pass the write gate (from before it, or an older build) and so are
//! in no list or table until fixed. Element id: `#problem-docs`.

use yew::prelude::*;

use crate::hooks::use_problems;

#[derive(Properties, PartialEq)]
pub struct ProblemDocsProps {
    pub token: Option<String>,
    pub online: bool,
}

#[function_component]
pub fn ProblemDocs(props: &ProblemDocsProps) -> Html {
    let problems = use_problems(props.token.clone(), props.online);
    let Some(problems) = problems.filter(|p| !p.is_empty()) else {
        return Html::default();
    };
    html! {
        <section class="card warn" id="problem-docs">
            <h2>{ format!("问题文档 {} 份（未计入列表和报表，请联系录入人修正）", problems.len()) }</h2>
            <ul>
                { for problems.iter().map(|p| html! {
                    <li><code>{ p.doc.to_string() }</code>{ "：" }{ &p.reason }</li>
                }) }
            </ul>
        </section>
    }
}
