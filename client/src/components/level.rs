//! The level badge (绿/黄/橙/红) and the provisional-level panel: the
//! level the phone computes, the lead's confirmed level beside it, every rule
//! that fired with the plan's clause and the facts behind it, the measures,
//! an unregistered venue's disposal path, and what is still to verify.
//!
//! Element ids and classes in the panel (`#level-panel`):
//! `#level-note`, `#level-computed` (badge), `#level-confirmed`, `#fired-rules` with
//! `li.fired-rule[data-rule=R1]` (`.clause`, `.facts li`), `#measures li`,
//! `#disposal`, `#to-verify li`, `#refer-police`.

use mopai_shared::model::RiskLevel;
use mopai_shared::risk::{Assessment, FiredRule, LevelView, SuggestedMeasure};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BadgeProps {
    /// `None`: nothing known yet (not visited, no rule fired).
    pub level: Option<RiskLevel>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// `<span class="level level-red">红</span>`.
#[function_component]
pub fn LevelBadge(props: &BadgeProps) -> Html {
    let (class, text) = match props.level {
        Some(l) => (format!("level-{}", l.code()), l.label_zh()),
        None => ("level-none".to_owned(), "未评"),
    };
    html! {
        <span class={classes!("level", class)} id={props.id.clone()} data-level={props.level.map(|l| l.code())}>
            { text }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub assessment: Assessment,
    pub view: LevelView,
    /// Said above the result, e.g. that nobody has visited yet.
    #[prop_or_default]
    pub note: Option<AttrValue>,
}

#[function_component]
pub fn LevelPanel(props: &PanelProps) -> Html {
    let a = &props.assessment;
    let confirmed = props.view.confirmed.as_ref().map(|c| {
        let reason = if c.reason.is_empty() { String::new() } else { format!("（{}）", c.reason) };
        let stale = if c.stale { "；之后情况有变化，以较高等级为准" } else { "" };
        html! {
            <p id="level-confirmed">
                { "分管领导确认：" }<LevelBadge level={Some(c.level)} />{ format!("{reason}{stale}") }
            </p>
        }
    });
    html! {
        <section class="card" id="level-panel">
            <h2>{ "风险等级（手机初判）" }</h2>
            if let Some(note) = &props.note {
                <p class="warn" id="level-note">{ note }</p>
            }
            <p class="level-line">
                <LevelBadge level={Some(a.level)} id="level-computed" />
                <span class="hint">{ "由本机按分类规则计算，以服务器和分管领导确认为准" }</span>
            </p>
            { for confirmed }
            if a.refer_to_police {
                <p class="error" id="refer-police">{ "涉嫌犯罪：直接移交公安机关依法查处" }</p>
            }
            if a.fired.is_empty() {
                <p class="hint" id="fired-rules">{ "未触发任何风险规则。" }</p>
            } else {
                <ol class="rules" id="fired-rules">{ for a.fired.iter().map(rule) }</ol>
            }
            <h3>{ "处置措施" }</h3>
            <ul class="measures" id="measures">{ for a.measures.iter().map(measure) }</ul>
            if let Some(path) = &a.disposal {
                <div id="disposal" data-rule={path.rule.code()}>
                    <h3>{ format!("{} {}", path.rule.code(), path.rule.label_zh()) }</h3>
                    if let Some(routing) = path.routing {
                        <p>{ format!("移交：{}", routing.label_zh()) }</p>
                    }
                    <ul class="measures">{ for path.measures.iter().map(measure) }</ul>
                </div>
            }
            if !a.to_verify.is_empty() {
                <details class="to-verify">
                    <summary>{ format!("待核实 {} 项", a.to_verify.len()) }</summary>
                    <ul id="to-verify">{ for a.to_verify.iter().map(|t| html! { <li>{ t }</li> }) }</ul>
                </details>
            }
        </section>
    }
}

fn rule(r: &FiredRule) -> Html {
    html! {
        <li class="fired-rule" data-rule={r.rule.code()}>
            <LevelBadge level={Some(r.level)} />
            <strong>{ format!(" {} {}", r.rule.code(), r.rule.label_zh()) }</strong>
            <p class="clause">{ format!("方案{}：{}", r.clause.section, r.clause.text_zh) }</p>
            <ul class="facts">{ for r.facts.iter().map(|f| html! { <li>{ &f.text_zh }</li> }) }</ul>
        </li>
    }
}

fn measure(m: &SuggestedMeasure) -> Html {
    html! { <li>{ &m.text_zh }</li> }
}
