//! The report of a played scenario (and of its stress sweep): a readable step report on the
//! console, and a folder with `report.html` (self-contained, its plots inlined), the plots as
//! SVG files (drawn with `plotters`' SVG backend) and `steps.json` (every step's state).
//!
//! The folder is written whole or not at all: everything goes to a temporary folder beside it,
//! renamed into place at the end.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cosmwasm_std::{Decimal256, Uint128};
use plotters::prelude::*;
use serde::Serialize;

use crate::play::{StepRecord, StepState};
use crate::stress::{dec_f64, Direction, StressRow};
use crate::ONE;

/// Everything a report shows.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The scenario as given.
    pub scenario: String,
    /// Names of its files.
    pub names: Vec<String>,
    /// Descriptions of its files.
    pub descriptions: Vec<String>,
    /// The state right after deployment.
    pub initial: StepState,
    /// Every step.
    pub steps: Vec<StepRecord>,
    /// The stress sweep from the end state, if run.
    pub stress: Option<Vec<StressRow>>,
    /// The chain's verdict (`chain.py compare` of the chain's end state and this one), when the
    /// scenario was also played on a chain (`run --chain`).
    pub chain: Option<String>,
}

/// Collateral base units as whole USDC with 6 decimals.
pub fn usdc(amount: u128) -> String {
    let whole = (amount / ONE).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{:06}", amount % ONE)
}

fn usdc_f64(amount: u128) -> f64 {
    amount as f64 / ONE as f64
}

fn signed_usdc(amount: i128) -> String {
    if amount < 0 {
        format!("-{}", usdc(amount.unsigned_abs()))
    } else {
        format!("+{}", usdc(amount as u128))
    }
}

/// The console line of a step.
pub fn step_line(record: &StepRecord, total: usize, start: u64) -> String {
    let minutes = record.state.time.saturating_sub(start);
    let mut line = format!(
        "[{:>3}/{total}] t+{:>5}s  {:<10} {}",
        record.index,
        minutes,
        record.actor.as_deref().unwrap_or(&record.kind),
        record.name
    );
    if !record.outcome.is_empty() {
        let mut outcome = record.outcome.clone();
        if outcome.len() > 110 {
            let cut = (0..=110)
                .rev()
                .find(|i| outcome.is_char_boundary(*i))
                .unwrap_or(0);
            outcome.truncate(cut);
            outcome.push_str("...");
        }
        let _ = write!(line, "\n             -> {outcome}");
    }
    line
}

/// The end-of-run summary lines.
pub fn summary(report: &Report) -> Vec<String> {
    let end = report.steps.last().map_or(&report.initial, |s| &s.state);
    let f = &end.fund;
    let mut out = vec![
        format!(
            "fund: {} USDC (reserve {}, junior {}, senior {}); coverage {} of target {} USDC",
            usdc(f.total_assets.u128()),
            usdc(f.reserve.u128()),
            usdc(crate::collateral(&f.junior).u128()),
            usdc(crate::collateral(&f.senior).u128()),
            f.coverage
                .coverage_ratio
                .map_or("n/a".to_string(), |r| format!("{:.3}", dec_f64(r))),
            usdc(Uint128::try_from(f.coverage.target).map_or(u128::MAX, |t| t.u128())),
        ),
        format!(
            "share prices (USDC per share): junior {:.6}, senior {:.6}",
            dec_f64(end.junior_share_price),
            dec_f64(end.senior_share_price)
        ),
    ];
    let sum = |g: fn(&tranche_perps_types::fund::LossRecord) -> Uint128| -> u128 {
        end.ledger.iter().map(|l| g(l).u128()).sum()
    };
    let bad: u128 = end.socialized.iter().map(|l| l.bad_debt.u128()).sum();
    let soc: u128 = end.socialized.iter().map(|l| l.socialized.u128()).sum();
    out.push(format!(
        "bad debt {} USDC: reserve paid {}, junior {}, senior {}; socialized {}",
        usdc(bad),
        usdc(sum(|l| l.paid_by_reserve)),
        usdc(sum(|l| l.paid_by_junior)),
        usdc(sum(|l| l.paid_by_senior)),
        usdc(soc)
    ));
    let results = party_results(report);
    if !results.is_empty() {
        out.push("each party's result (wallet + shares + positions, end minus start):".into());
        for (name, delta) in results {
            out.push(format!("  {name:<10} {} USDC", signed_usdc(delta)));
        }
    }
    out
}

/// Each named key's change in total value (wallet, shares, positions), start to end; keys
/// whose value did not change are left out.
pub fn party_results(report: &Report) -> Vec<(String, i128)> {
    let end = report.steps.last().map_or(&report.initial, |s| &s.state);
    end.parties
        .iter()
        .filter_map(|(name, view)| {
            let start = report.initial.parties.get(name)?;
            let delta = view.total.u128() as i128 - start.total.u128() as i128;
            (delta != 0).then(|| (name.clone(), delta))
        })
        .collect()
}

type Series = (String, RGBColor, Vec<(f64, f64)>);

const BLUE_: RGBColor = RGBColor(31, 119, 180);
const ORANGE_: RGBColor = RGBColor(255, 127, 14);
const GREEN_: RGBColor = RGBColor(44, 160, 44);
const RED_: RGBColor = RGBColor(214, 39, 40);
const PURPLE_: RGBColor = RGBColor(148, 103, 189);
const GREY_: RGBColor = RGBColor(127, 127, 127);

fn range(values: impl Iterator<Item = f64>, floor_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if floor_zero {
        lo = lo.min(0.0);
    }
    let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.001).max(1e-9);
    (
        lo - if floor_zero && lo >= 0.0 { 0.0 } else { pad },
        hi + pad,
    )
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A line chart as an SVG document.
pub fn line_chart(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    series: &[Series],
    floor_zero: bool,
) -> Result<String, String> {
    line_chart_at(
        title,
        x_desc,
        y_desc,
        series,
        floor_zero,
        SeriesLabelPosition::UpperRight,
    )
}

/// [`line_chart`] with the legend where given.
pub fn line_chart_at(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    series: &[Series],
    floor_zero: bool,
    legend: SeriesLabelPosition,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (x0, x1) = range(series.iter().flat_map(|s| s.2.iter().map(|p| p.0)), false);
        let (y0, y1) = range(
            series.iter().flat_map(|s| s.2.iter().map(|p| p.1)),
            floor_zero,
        );
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .y_label_formatter(&|v| short(*v))
            .draw()
            .map_err(err)?;
        for (name, color, points) in series {
            let color = *color;
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                .map_err(err)?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color));
            chart
                .draw_series(points.iter().map(|p| Circle::new(*p, 2, color.filled())))
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .position(legend)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A stacked bar chart (one bar per label, one colour per layer) as an SVG document.
pub fn stacked_bars(
    title: &str,
    y_desc: &str,
    labels: &[String],
    layers: &[(String, RGBColor, Vec<f64>)],
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let top = (0..labels.len())
            .map(|i| layers.iter().map(|l| l.2[i]).sum::<f64>())
            .fold(0.0, f64::max);
        let n = labels.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.5..n - 0.5, 0.0..(top * 1.15).max(1.0))
            .map_err(err)?;
        let labels_owned = labels.to_vec();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(labels.len().max(1))
            .x_label_formatter(&|x| category_label(&labels_owned, *x))
            .y_desc(y_desc)
            .y_label_formatter(&|v| short(*v))
            .draw()
            .map_err(err)?;
        let mut base = vec![0.0; labels.len()];
        for (name, color, values) in layers {
            let color = *color;
            let bars: Vec<Rectangle<(f64, f64)>> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let x = i as f64;
                    let r = Rectangle::new(
                        [(x - 0.35, base[i]), (x + 0.35, base[i] + v)],
                        color.filled(),
                    );
                    base[i] += v;
                    r
                })
                .collect();
            chart
                .draw_series(bars)
                .map_err(err)?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Horizontal bars of signed values, one per label.
pub fn signed_bars(title: &str, x_desc: &str, items: &[(String, f64)]) -> Result<String, String> {
    let mut svg = String::new();
    {
        let height = 120 + 28 * items.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (760, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (lo, hi) = range(items.iter().map(|i| i.1), true);
        let (lo, hi) = (lo.min(0.0), hi.max(0.0));
        let n = items.len().max(1) as f64;
        let names: Vec<String> = items.iter().map(|i| i.0.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d(lo..hi, -0.5..n - 0.5)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(items.len().max(1))
            .y_label_formatter(&|y| category_label(&names, *y))
            .x_desc(x_desc)
            .x_label_formatter(&|v| short(*v))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(items.iter().enumerate().map(|(i, (_, v))| {
                let y = i as f64;
                let color = if *v < 0.0 { RED_ } else { GREEN_ };
                Rectangle::new([(0.0, y - 0.35), (*v, y + 0.35)], color.filled())
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A number for an axis: 12.5k, 3.1M, 0.0012.
fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.2}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    }
}

/// Every plot of a report, as (file name, title, SVG).
pub fn plots(report: &Report) -> Result<Vec<(String, String, String)>, String> {
    let mut out = vec![];
    let start = report.initial.time;
    let mut states: Vec<&StepState> = vec![&report.initial];
    states.extend(report.steps.iter().map(|s| &s.state));
    let minutes = |s: &StepState| (s.time - start) as f64 / 60.0;

    let price = |f: fn(&StepState) -> Decimal256| -> Vec<(f64, f64)> {
        states.iter().map(|s| (minutes(s), dec_f64(f(s)))).collect()
    };
    let title = "Share price per tranche".to_string();
    out.push((
        "share_prices.svg".to_string(),
        title.clone(),
        line_chart_at(
            &title,
            "minutes since deployment",
            "USDC per share",
            &[
                ("junior".into(), ORANGE_, price(|s| s.junior_share_price)),
                ("senior".into(), BLUE_, price(|s| s.senior_share_price)),
            ],
            false,
            SeriesLabelPosition::LowerLeft,
        )?,
    ));

    let amount = |f: &dyn Fn(&StepState) -> u128| -> Vec<(f64, f64)> {
        states
            .iter()
            .map(|s| (minutes(s), usdc_f64(f(s))))
            .collect()
    };
    let title = "Fund assets and coverage target".to_string();
    out.push((
        "fund_coverage.svg".to_string(),
        title.clone(),
        line_chart(
            &title,
            "minutes since deployment",
            "USDC",
            &[
                (
                    "fund assets".into(),
                    GREEN_,
                    amount(&|s| s.fund.total_assets.u128()),
                ),
                (
                    "coverage target".into(),
                    RED_,
                    amount(&|s| {
                        Uint128::try_from(s.fund.coverage.target).map_or(u128::MAX, |t| t.u128())
                    }),
                ),
                (
                    "junior".into(),
                    ORANGE_,
                    amount(&|s| crate::collateral(&s.fund.junior).u128()),
                ),
                (
                    "senior".into(),
                    BLUE_,
                    amount(&|s| crate::collateral(&s.fund.senior).u128()),
                ),
                ("reserve".into(), GREY_, amount(&|s| s.fund.reserve.u128())),
            ],
            true,
        )?,
    ));

    let end = states.last().expect("at least the initial state");
    let labels: Vec<String> = end
        .socialized
        .iter()
        .map(|l| format!("#{} {}", l.shortfall_id, l.market))
        .collect();
    let ledger_of = |id: u64| end.ledger.iter().find(|l| l.shortfall_id == id);
    let layer = |f: fn(&tranche_perps_types::fund::LossRecord) -> Uint128| -> Vec<f64> {
        end.socialized
            .iter()
            .map(|s| ledger_of(s.shortfall_id).map_or(0.0, |l| usdc_f64(f(l).u128())))
            .collect()
    };
    let title = "Loss ledger: who paid each shortfall".to_string();
    out.push((
        "loss_ledger.svg".to_string(),
        title.clone(),
        stacked_bars(
            &title,
            "USDC",
            &labels,
            &[
                ("reserve".into(), GREY_, layer(|l| l.paid_by_reserve)),
                ("junior".into(), ORANGE_, layer(|l| l.paid_by_junior)),
                ("senior".into(), BLUE_, layer(|l| l.paid_by_senior)),
                (
                    "socialized".into(),
                    RED_,
                    end.socialized
                        .iter()
                        .map(|s| usdc_f64(s.socialized.u128()))
                        .collect(),
                ),
                (
                    "uncovered".into(),
                    PURPLE_,
                    end.socialized
                        .iter()
                        .map(|s| usdc_f64(s.uncovered.u128()))
                        .collect(),
                ),
            ],
        )?,
    ));

    let cumulative = |f: fn(&tranche_perps_types::engine::SocializedLoss) -> Uint128| {
        amount(&move |s: &StepState| s.socialized.iter().map(|l| f(l).u128()).sum())
    };
    let title = "Bad debt and socialized loss, cumulative".to_string();
    out.push((
        "socialized.svg".to_string(),
        title.clone(),
        line_chart(
            &title,
            "minutes since deployment",
            "USDC",
            &[
                ("bad debt".into(), PURPLE_, cumulative(|l| l.bad_debt)),
                (
                    "paid by the fund".into(),
                    GREEN_,
                    cumulative(|l| l.paid_by_fund),
                ),
                ("socialized".into(), RED_, cumulative(|l| l.socialized)),
            ],
            true,
        )?,
    ));

    let results: Vec<(String, f64)> = party_results(report)
        .into_iter()
        .map(|(n, d)| (n, d as f64 / ONE as f64))
        .collect();
    let title = "Each party's result (wallet + shares + positions, end minus start)".to_string();
    out.push((
        "parties.svg".to_string(),
        title.clone(),
        signed_bars(&title, "USDC", &results)?,
    ));

    if let Some(rows) = &report.stress {
        let mut targets: Vec<String> = vec![];
        for r in rows {
            if !targets.contains(&r.target) {
                targets.push(r.target.clone());
            }
        }
        // The plots show every market together when there are several, else the one market.
        if let Some(target) = targets.last() {
            for direction in [Direction::Crash, Direction::Spike] {
                let sel: Vec<&StressRow> = rows
                    .iter()
                    .filter(|r| &r.target == target && r.direction == direction)
                    .collect();
                let pts = |f: fn(&StressRow) -> Uint128| -> Vec<(f64, f64)> {
                    sel.iter()
                        .map(|r| (f64::from(r.move_pct), usdc_f64(f(r).u128())))
                        .collect()
                };
                let title = format!("Stress: who pays an index {} on {target}", direction.name());
                out.push((
                    format!("stress_{}_payers.svg", direction.name()),
                    title.clone(),
                    line_chart(
                        &title,
                        &format!("index {} (%)", direction.name()),
                        "USDC",
                        &[
                            ("bad debt".into(), PURPLE_, pts(|r| r.bad_debt)),
                            ("reserve".into(), GREY_, pts(|r| r.paid_by_reserve)),
                            ("junior".into(), ORANGE_, pts(|r| r.paid_by_junior)),
                            ("senior".into(), BLUE_, pts(|r| r.paid_by_senior)),
                            ("socialized".into(), RED_, pts(|r| r.socialized)),
                        ],
                        true,
                    )?,
                ));
                let prices = |f: fn(&StressRow) -> Decimal256| -> Vec<(f64, f64)> {
                    sel.iter()
                        .map(|r| (f64::from(r.move_pct), dec_f64(f(r))))
                        .collect()
                };
                let title = format!(
                    "Stress: share prices after an index {} on {target}",
                    direction.name()
                );
                out.push((
                    format!("stress_{}_prices.svg", direction.name()),
                    title.clone(),
                    line_chart(
                        &title,
                        &format!("index {} (%)", direction.name()),
                        "USDC per share",
                        &[
                            ("junior".into(), ORANGE_, prices(|r| r.junior_price)),
                            ("senior".into(), BLUE_, prices(|r| r.senior_price)),
                        ],
                        true,
                    )?,
                ));
            }
        }
    }
    Ok(out)
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The stress table as text lines (console).
pub fn stress_table(rows: &[StressRow]) -> Vec<String> {
    let mut out = vec![format!(
        "{:<12} {:<6} {:>5} {:>5} {:>14} {:>12} {:>14} {:>14} {:>14} {:>10} {:>10} {:>9}",
        "market",
        "move",
        "size",
        "liqs",
        "bad debt",
        "reserve",
        "junior",
        "senior",
        "socialized",
        "jr price",
        "sr price",
        "coverage"
    )];
    for r in rows {
        out.push(format!(
            "{:<12} {:<6} {:>4}% {:>5} {:>14} {:>12} {:>14} {:>14} {:>14} {:>10.6} {:>10.6} {:>9}",
            r.target,
            r.direction.name(),
            r.move_pct,
            r.liquidations,
            usdc(r.bad_debt.u128()),
            usdc(r.paid_by_reserve.u128()),
            usdc(r.paid_by_junior.u128()),
            usdc(r.paid_by_senior.u128()),
            usdc(r.socialized.u128()),
            dec_f64(r.junior_price),
            dec_f64(r.senior_price),
            r.coverage
                .map_or("n/a".to_string(), |c| format!("{:.3}", dec_f64(c)))
        ));
    }
    out
}

/// The stress query beside each case (console): the case's bad debt after its liquidations,
/// the exact bad debt at the moved index with margins now and as the buckets counted the
/// positions, the fund's `Stress` answer for the same move from
/// the same state (estimated bad debt, its `max_error`, and what reserve, junior and senior
/// would pay and the engine socialize), and whether the exact figure lies within the query's
/// accuracy ([`crate::stress::within_accuracy`]).
pub fn accuracy_table(rows: &[StressRow]) -> Vec<String> {
    let mut out = vec![format!(
        "{:<12} {:<6} {:>5} {:>14} {:>14} {:>14} {:>14} {:>10} {:>12} {:>14} {:>14} {:>14}  {}",
        "market",
        "move",
        "size",
        "liquidated",
        "at index now",
        "as counted",
        "estimate",
        "max error",
        "est reserve",
        "est junior",
        "est senior",
        "est social",
        "within"
    )];
    for r in rows {
        let Some(e) = &r.estimate else { continue };
        let head = format!(
            "{:<12} {:<6} {:>4}% {:>14} {:>14} {:>14}",
            r.target,
            r.direction.name(),
            r.move_pct,
            usdc(r.bad_debt.u128()),
            usdc(e.exact_at_index.u128()),
            usdc(e.exact_as_counted.u128())
        );
        if let Some(err) = &e.error {
            out.push(format!("{head} refused: {err}  NO"));
            continue;
        }
        out.push(format!(
            "{head} {:>14} {:>10} {:>12} {:>14} {:>14} {:>14}  {}",
            usdc(e.bad_debt.u128()),
            usdc(e.max_error.u128()),
            usdc(e.from_reserve.u128()),
            usdc(e.from_junior.u128()),
            usdc(e.from_senior.u128()),
            usdc(e.unpaid.u128()),
            if e.within { "yes" } else { "NO" }
        ));
    }
    out
}

/// The HTML page.
pub fn html(report: &Report, plots: &[(String, String, String)]) -> String {
    let mut h = String::new();
    let title = report.names.join(" / ");
    let _ = write!(
        h,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title><style>\
body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}\
table{{border-collapse:collapse;font-size:13px}}td,th{{border:1px solid #ccc;padding:3px 6px;text-align:right}}\
td.l,th.l{{text-align:left}}figure{{margin:1em 0}}h2{{margin-top:2em}}.muted{{color:#666}}</style></head><body>",
        esc(&title)
    );
    let _ = write!(h, "<h1>{}</h1><p class=\"muted\">scenario: {}; backend: cw-multi-test, 5-second blocks, invariants checked after every step</p>", esc(&title), esc(&report.scenario));
    for d in &report.descriptions {
        let _ = write!(h, "<p>{}</p>", esc(d));
    }
    h.push_str("<h2>Summary</h2><ul>");
    for line in summary(report) {
        let _ = write!(h, "<li><pre style=\"margin:0\">{}</pre></li>", esc(&line));
    }
    h.push_str("</ul>");
    if let Some(verdict) = &report.chain {
        let _ = write!(
            h,
            "<h2>On the chain</h2><p>The scenario was played on a wasmd node first (the chain's files are in <code>chain/</code>), then here in the chain's blocks; <code>chain.py compare</code> of the two end states:</p><pre>{}</pre>",
            esc(verdict)
        );
    }
    for (file, caption, svg) in plots.iter().filter(|p| !p.0.starts_with("stress_")) {
        let _ = write!(
            h,
            "<figure>{svg}<figcaption class=\"muted\">{} ({})</figcaption></figure>",
            esc(caption),
            esc(file)
        );
    }
    if let Some(rows) = &report.stress {
        h.push_str("<h2>Stress sweep from the end state</h2><p>Each row: the index of the market (or of every market) moved by the size from the end state, on its own copy of it; an arbitrageur trades the vAMM to 1% short of the new index; a keeper liquidates until nothing can be. Amounts in USDC; prices in USDC per share.</p>");
        for (file, caption, svg) in plots.iter().filter(|p| p.0.starts_with("stress_")) {
            let _ = write!(
                h,
                "<figure>{svg}<figcaption class=\"muted\">{} ({})</figcaption></figure>",
                esc(caption),
                esc(file)
            );
        }
        h.push_str("<table><tr><th class=\"l\">market</th><th class=\"l\">move</th><th>size</th><th>liquidations</th><th>bad debt</th><th>reserve pays</th><th>junior pays</th><th>senior pays</th><th>socialized</th><th>uncovered</th><th>junior price</th><th>senior price</th><th>fund assets</th><th>coverage</th><th>exact at the index (margins now)</th><th>exact at the index (as counted)</th><th>query estimate</th><th>max error</th><th>est. junior</th><th>est. senior</th><th>est. socialized</th><th>within</th><th class=\"l\">note</th></tr>");
        for r in rows {
            let _ = write!(
                h,
                "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}%</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.6}</td><td>{:.6}</td><td>{}</td><td>{}</td>{}<td class=\"l\">{}</td></tr>",
                esc(&r.target),
                r.direction.name(),
                r.move_pct,
                r.liquidations,
                usdc(r.bad_debt.u128()),
                usdc(r.paid_by_reserve.u128()),
                usdc(r.paid_by_junior.u128()),
                usdc(r.paid_by_senior.u128()),
                usdc(r.socialized.u128()),
                usdc(r.uncovered.u128()),
                dec_f64(r.junior_price),
                dec_f64(r.senior_price),
                usdc(r.total_assets.u128()),
                r.coverage.map_or("n/a".to_string(), |c| format!("{:.3}", dec_f64(c))),
                estimate_cells(r),
                esc(&r.note)
            );
        }
        h.push_str("</table>");
    }
    h.push_str("<h2>Each party</h2><table><tr><th class=\"l\">key</th><th>wallet</th><th>junior shares</th><th>senior shares</th><th>shares value</th><th>positions value</th><th>total</th><th>result</th></tr>");
    let end = report.steps.last().map_or(&report.initial, |s| &s.state);
    for (name, v) in &end.parties {
        let start = report
            .initial
            .parties
            .get(name)
            .map_or(0, |p| p.total.u128());
        let _ = write!(
            h,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            usdc(v.wallet.u128()),
            v.junior_shares,
            v.senior_shares,
            usdc(v.shares_value.u128()),
            usdc(v.positions_value.u128()),
            usdc(v.total.u128()),
            signed_usdc(v.total.u128() as i128 - start as i128)
        );
    }
    h.push_str("</table>");
    h.push_str("<h2>Steps</h2><table><tr><th>#</th><th>t (s)</th><th class=\"l\">who</th><th class=\"l\">step</th><th class=\"l\">outcome</th><th>junior price</th><th>senior price</th><th>fund assets</th></tr>");
    for s in &report.steps {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\" style=\"max-width:380px;overflow-wrap:anywhere\">{}</td><td>{:.6}</td><td>{:.6}</td><td>{}</td></tr>",
            s.index,
            s.state.time - report.initial.time,
            esc(s.actor.as_deref().unwrap_or(&s.kind)),
            esc(&s.name),
            esc(&s.outcome),
            dec_f64(s.state.junior_share_price),
            dec_f64(s.state.senior_share_price),
            usdc(s.state.fund.total_assets.u128())
        );
    }
    h.push_str("</table><p class=\"muted\">Every step's full state is in steps.json beside this page.</p></body></html>\n");
    h
}

/// The stress query's cells of a sweep row (HTML).
fn estimate_cells(r: &StressRow) -> String {
    match &r.estimate {
        None => "<td></td><td></td><td></td><td></td><td></td><td></td><td></td><td></td>".to_string(),
        Some(e) if e.error.is_some() => format!(
            "<td>{}</td><td>{}</td><td class=\"l\" colspan=\"5\">refused: {}</td><td>no</td>",
            usdc(e.exact_at_index.u128()),
            usdc(e.exact_as_counted.u128()),
            esc(e.error.as_deref().unwrap_or_default())
        ),
        Some(e) => format!(
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            usdc(e.exact_at_index.u128()),
            usdc(e.exact_as_counted.u128()),
            usdc(e.bad_debt.u128()),
            usdc(e.max_error.u128()),
            usdc(e.from_junior.u128()),
            usdc(e.from_senior.u128()),
            usdc(e.unpaid.u128()),
            if e.within { "yes" } else { "<b>no</b>" }
        ),
    }
}

/// The report as `steps.json` holds it (what `chain.py compare` reads).
pub fn steps_json(report: &Report) -> serde_json::Value {
    let mut steps = serde_json::json!({
        "scenario": report.scenario,
        "names": report.names,
        "initial": report.initial,
        "steps": report.steps,
        "stress": report.stress,
    });
    if let Some(verdict) = &report.chain {
        steps["chain"] = serde_json::json!(verdict);
    }
    steps
}

/// Writes the report folder `dir` (whole or not at all); returns its path.
pub fn write(dir: &Path, report: &Report) -> Result<PathBuf, String> {
    let plots = plots(report)?;
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let name = dir
        .file_name()
        .map_or("report".to_string(), |n| n.to_string_lossy().into_owned());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| -> Result<(), String> {
        std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
        let steps = steps_json(report);
        std::fs::write(
            tmp.join("steps.json"),
            serde_json::to_string_pretty(&steps).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
        for (file, _, svg) in &plots {
            std::fs::write(tmp.join(file), svg).map_err(|e| e.to_string())?;
        }
        std::fs::write(tmp.join("report.html"), html(report, &plots)).map_err(|e| e.to_string())?;
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::rename(&tmp, dir).map_err(|e| e.to_string())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(format!("writing {}: {e}", dir.display()));
    }
    Ok(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()))
}

/// The label of the category at axis position `at` (categories sit at 0, 1, 2, ...), and
/// nothing between them.
fn category_label(labels: &[String], at: f64) -> String {
    let i = at.round();
    if (at - i).abs() < 0.01 && i >= 0.0 {
        labels.get(i as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}
