//! The two SVG charts, drawn from [`crate::dashboard::chart`] geometry.

use std::rc::Rc;

use mopai_shared::dashboard::Dashboard;
use yew::prelude::*;

use crate::dashboard::chart::{
    BAR_HEIGHT, COUNT_WIDTH, LINE_HEIGHT, PLOT_LEFT, WIDTH, num, progress, township_bars,
};

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub data: Rc<Dashboard>,
}

/// `#chart-townships`: a bar per township split by level, with a legend.
#[function_component]
pub fn TownshipChart(props: &ChartProps) -> Html {
    let chart = township_bars(&props.data);
    if chart.bars.is_empty() {
        return html! { <p class="hint" id="chart-townships-empty">{ "暂无乡镇数据" }</p> };
    }
    let view_box = format!("0 0 {} {}", num(WIDTH), num(chart.height));
    html! {
        <figure class="chart">
            <svg id="chart-townships" viewBox={view_box} role="img"
                aria-label="各乡镇机构数，按风险等级分段">
                { for chart.bars.iter().map(|bar| html! {
                    <g class="bar" data-township={bar.key.clone()} key={bar.key.clone()}>
                        <text x="0" y={num(bar.y + BAR_HEIGHT - 4.0)} class="label">{ short(&bar.label) }</text>
                        { for bar.segments.iter().map(|s| html! {
                            <rect class={format!("lv-{}", s.level.code())} data-level={s.level.code()}
                                x={num(s.x)} y={num(bar.y)} width={num(s.width)} height={num(BAR_HEIGHT)}>
                                <title>{ format!("{} {}：{} 家", bar.label, s.level.label_zh(), s.count) }</title>
                            </rect>
                        }) }
                        <text x={num(WIDTH - COUNT_WIDTH + 4.0)} y={num(bar.y + BAR_HEIGHT - 4.0)} class="count">
                            { bar.total }
                        </text>
                    </g>
                }) }
            </svg>
            <figcaption class="legend">
                { for crate::dashboard::view::LEVELS.iter().map(|l| html! {
                    <span><i class={format!("swatch lv-{}", l.code())}></i>{ l.label_zh() }</span>
                }) }
            </figcaption>
        </figure>
    }
}

/// Township names longer than four characters are cut, with the full name
/// in the tooltip of each segment.
fn short(name: &str) -> String {
    let mut chars = name.chars();
    let head: String = chars.by_ref().take(4).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// `#chart-progress`: cumulative visits per day, against the number listed.
#[function_component]
pub fn ProgressChart(props: &ChartProps) -> Html {
    let Some(chart) = progress(&props.data) else {
        return html! { <p class="hint" id="chart-progress-empty">{ "还没有走访记录" }</p> };
    };
    let view_box = format!("0 0 {} {}", num(WIDTH), num(LINE_HEIGHT));
    let right = WIDTH - 8.0;
    html! {
        <figure class="chart">
            <svg id="chart-progress" viewBox={view_box} role="img" aria-label="累计走访数（按日）">
                <line class="axis" x1={num(PLOT_LEFT)} y1={num(chart.base_y)} x2={num(right)} y2={num(chart.base_y)} />
                <text class="tick" x="0" y={num(chart.base_y)}>{ "0" }</text>
                if let Some(goal_y) = chart.goal_y {
                    <line class="goal" x1={num(PLOT_LEFT)} y1={num(goal_y)} x2={num(right)} y2={num(goal_y)} />
                    <text class="tick" x="0" y={num(goal_y + 4.0)}>{ chart.goal }</text>
                }
                <path class="area" d={chart.area.clone()} />
                <path class="line" d={chart.line.clone()} />
                { for chart.points.iter().map(|(x, y, day, n)| html! {
                    <circle class="point" cx={num(*x)} cy={num(*y)} r="2.5">
                        <title>{ format!("{day}：累计 {n} 家次") }</title>
                    </circle>
                }) }
                <text class="tick" x={num(PLOT_LEFT)} y={num(LINE_HEIGHT - 6.0)}>{ &chart.first_day }</text>
                <text class="tick end" x={num(right)} y={num(LINE_HEIGHT - 6.0)} text-anchor="end">{ &chart.last_day }</text>
            </svg>
            <figcaption class="legend">
                <span><i class="swatch line"></i>{ "累计走访" }</span>
                <span><i class="swatch goal"></i>{ format!("应排查 {} 家", chart.goal) }</span>
            </figcaption>
        </figure>
    }
}
