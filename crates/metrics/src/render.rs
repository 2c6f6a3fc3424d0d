//! JSON, CSV and terminal renderings of a [`Report`].

use std::fmt::Write as _;

use crate::money::{format_money, format_percent, format_ratio};
use crate::report::{Metrics, Report, Value};

/// The report as the pretty-printed JSON object of `METRICS.md`.
pub fn render_json(report: &Report) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(report)
}

/// One row per slice: `slice,key,` then the metric keys. `slice` is `total` (empty key), `source`,
/// `segment` or `series` (key = the bucket's first day). Money has two decimals, ratios four, null
/// is an empty cell.
pub fn render_csv(report: &Report) -> String {
    // Writing into memory cannot fail, so an error can only come from the csv crate itself; an empty
    // output is then the least surprising answer for a function that cannot panic.
    write_csv(report).unwrap_or_default()
}

fn write_csv(report: &Report) -> Result<String, Box<dyn std::error::Error>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["slice", "key"];
    header.extend(Metrics::KEYS);
    writer.write_record(&header)?;
    for (slice, key, metrics) in rows(report) {
        let mut record = vec![slice.to_owned(), key];
        record.extend(metrics.values().iter().map(|v| csv_cell(*v)));
        writer.write_record(&record)?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

fn csv_cell(value: Value) -> String {
    match value {
        Value::Count(v) => v.map(|n| n.to_string()),
        Value::Money(v) => v.map(format_money),
        Value::Ratio(v) => v.map(format_ratio),
    }
    .unwrap_or_default()
}

/// Every slice of the report in order: (slice kind, key, metrics).
fn rows(report: &Report) -> impl Iterator<Item = (&'static str, String, &Metrics)> {
    let totals = std::iter::once(("total", String::new(), &report.totals));
    let sources = report.by_source.iter().map(|r| ("source", r.source.clone(), &r.metrics));
    let segments = report.by_segment.iter().map(|r| ("segment", r.segment.to_string(), &r.metrics));
    let series = report.series.iter().flatten().map(|r| ("series", r.period.to_string(), &r.metrics));
    totals.chain(sources).chain(segments).chain(series)
}

/// Column titles of the terminal table, in [`Metrics::KEYS`] order; shorter than the keys so that
/// the table stays narrow.
const TABLE_TITLES: [&str; 17] = [
    "leads",
    "pro_ref",
    "units",
    "repairs",
    "jobs",
    "calls",
    "revenue",
    "rev40",
    "collected",
    "cost",
    "profit",
    "cpl",
    "cpu",
    "conv_l_u",
    "conv_l_r",
    "conv_u_r",
    "rev/lead",
];

const NULL_CELL: &str = "—";

fn table_cell(value: Value) -> String {
    match value {
        Value::Count(v) => v.map(|n| n.to_string()),
        Value::Money(v) => v.map(format_money),
        Value::Ratio(v) => v.map(format_percent),
    }
    .unwrap_or_else(|| NULL_CELL.to_owned())
}

/// An aligned text table: a header line (period, time zone, excluded statuses, filters), then the
/// sections Totals, By source, By segment and, when present, Series. Ratios are percentages and
/// null is `—`. Columns line up across all sections.
pub fn render_table(report: &Report) -> String {
    let excluded = if report.excluded_job_statuses.is_empty() {
        "none".to_owned()
    } else {
        report.excluded_job_statuses.join(", ")
    };
    let mut out =
        format!("Report {} to {} ({}); excluded job statuses: {excluded}\n", report.from, report.to, report.timezone);
    let mut filters = Vec::new();
    if let Some(source) = &report.source_filter {
        filters.push(format!("source {source}"));
    }
    if let Some(segment) = report.segment_filter {
        filters.push(format!("segment {segment}"));
    }
    // `write!` into a String cannot fail, hence the ignored results in this function.
    if !filters.is_empty() {
        let _ = writeln!(out, "Filtered to {}", filters.join(", "));
    }

    let mut sections = vec![
        Section::new("Totals", "", [("all".to_owned(), &report.totals)]),
        Section::new("By source", "source", report.by_source.iter().map(|r| (r.source.clone(), &r.metrics))),
        Section::new("By segment", "segment", report.by_segment.iter().map(|r| (r.segment.to_string(), &r.metrics))),
    ];
    if let Some(series) = &report.series {
        sections.push(Section::new("Series", "period", series.iter().map(|r| (r.period.to_string(), &r.metrics))));
    }

    let mut label_width = 0;
    let mut widths = TABLE_TITLES.map(|t| t.chars().count());
    for section in &sections {
        label_width = label_width.max(section.label_title.chars().count());
        for (label, cells) in &section.rows {
            label_width = label_width.max(label.chars().count());
            for (width, cell) in widths.iter_mut().zip(cells) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }

    let titles = TABLE_TITLES.map(str::to_owned);
    for section in &sections {
        let _ = write!(out, "\n{}\n", section.title);
        push_line(&mut out, section.label_title, &titles, label_width, &widths);
        for (label, cells) in &section.rows {
            push_line(&mut out, label, cells, label_width, &widths);
        }
    }
    out
}

/// A titled group of table rows, each a label and its rendered cells.
#[derive(Debug)]
struct Section {
    title: &'static str,
    label_title: &'static str,
    rows: Vec<(String, Vec<String>)>,
}

impl Section {
    fn new<'a>(
        title: &'static str,
        label_title: &'static str,
        rows: impl IntoIterator<Item = (String, &'a Metrics)>,
    ) -> Self {
        let rows = rows
            .into_iter()
            .map(|(label, metrics)| (label, metrics.values().iter().map(|v| table_cell(*v)).collect()))
            .collect();
        Section { title, label_title, rows }
    }
}

fn push_line(out: &mut String, label: &str, cells: &[String], label_width: usize, widths: &[usize]) {
    let mut line = format!("{label:<label_width$}");
    for (cell, width) in cells.iter().zip(widths) {
        let _ = write!(line, "  {cell:>width$}");
    }
    out.push_str(line.trim_end());
    out.push('\n');
}
