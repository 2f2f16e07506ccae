//! The docs' generated sections: parameter tables rendered from the bounds constants of the
//! types crate (`tranche_perps_types::*::bounds`), between `<!-- generated:NAME -->` and
//! `<!-- /generated -->` in `docs/*.md`. `tests/docs_tables.rs` fails when a page differs from
//! what the constants say; `cargo run -p tranche-perps-testing --bin docs-tables` rewrites them.

use std::path::PathBuf;

use tranche_perps_types::bounds::markdown;

/// One generated section: the page, the section's name and its content.
pub struct Section {
    /// Page, relative to the repository root.
    pub page: &'static str,
    /// Marker name.
    pub name: &'static str,
    /// What belongs between the markers.
    pub content: String,
}

/// Every generated section of the docs.
pub fn sections() -> Vec<Section> {
    vec![
        Section {
            page: "docs/fund.md",
            name: "fund-parameters",
            content: markdown(&tranche_perps_types::fund::bounds::table()),
        },
        Section {
            page: "docs/engine.md",
            name: "engine-parameters",
            content: markdown(&tranche_perps_types::engine::bounds::table()),
        },
        Section {
            page: "docs/governance.md",
            name: "governance-settings",
            content: markdown(&tranche_perps_types::governance::bounds::table()),
        },
    ]
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `text` with the section's markers enclosing `content`; `None` when the markers are missing.
pub fn fill(text: &str, name: &str, content: &str) -> Option<String> {
    let open = format!("<!-- generated:{name} -->\n");
    let close = "<!-- /generated -->";
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(close)?;
    Some(format!("{}{content}{}", &text[..start], &text[end..]))
}
